// Construct: append without the lock. Two workers append to one shared
// slice, `results = append(results, r)`: a data race, and an append can
// read the slice before the other's write and lose its element.
package main

import "sync"

// weft:expect Race, Panic
func main() {
	var wg sync.WaitGroup
	var results []int
	for i := 1; i <= 2; i++ {
		wg.Add(1)
		go func(v int) {
			defer wg.Done()
			results = append(results, v*v)
		}(i)
	}
	wg.Wait()
	if len(results) != 2 {
		panic("a result was lost")
	}
}
