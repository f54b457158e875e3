// Construct: append's growth room. Workers extend a shared route prefix
// with their own hop, `path := append(prefix, hop)`, a common way to build
// per-request argument lists from defaults. The prefix was grown by
// appends, so Go's growth left room past its three elements (capacity 4),
// and every worker's append writes its hop into that same cell of the
// prefix's array: a race, and a worker may send another's hop. weft grows
// slices as Go does (double, rounded up to the allocator's size class, per
// element type), so the cell is shared and the race found. The fix
// (c-append-shared-prefix-fixed.go) copies the prefix into a path of the
// worker's own.
package main

import "sync"

func route(prefix []int, hop int, out chan<- int) {
	path := append(prefix, hop)
	out <- path[len(path)-1]
}

// weft:expect Race, Panic
func main() {
	var prefix []int
	for i := 1; i <= 3; i++ {
		prefix = append(prefix, i)
	}
	out := make(chan int, 2)
	var wg sync.WaitGroup
	for hop := 10; hop < 12; hop++ {
		wg.Add(1)
		go func(h int) {
			defer wg.Done()
			route(prefix, h, out)
		}(hop)
	}
	wg.Wait()
	a, b := <-out, <-out
	if a == b {
		panic("two workers sent the same hop")
	}
}
