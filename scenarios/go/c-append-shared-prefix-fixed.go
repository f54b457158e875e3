// The fix of c-append-shared-prefix.go: each worker copies the prefix into
// a slice of its own (Go's copy idiom, `append([]int(nil), prefix...)`)
// before appending its hop, so no two appends write one array.
package main

import "sync"

func route(prefix []int, hop int, out chan<- int) {
	path := append([]int(nil), prefix...)
	path = append(path, hop)
	out <- path[len(path)-1]
}

// weft:expect clean
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
