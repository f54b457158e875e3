// Construct: nil slices. A slice declared with `var` is nil until something
// is appended, and a collector that gathers no result returns nil, which
// callers test with `== nil`. The import declared such a slice as an empty
// slice made with `make`, which is not nil: weft reported the panic below,
// which Go never reaches. Now `var xs []T` is nil, as in Go.
package main

import "sync"

func collect(n int) []int {
	var out []int
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			mu.Lock()
			out = append(out, i)
			mu.Unlock()
		}(i)
	}
	wg.Wait()
	return out
}

// weft:expect clean
func main() {
	var none []int
	if none != nil {
		panic("a declared slice is nil")
	}
	if collect(0) != nil {
		panic("no results is nil")
	}
	_ = collect(2)
}
