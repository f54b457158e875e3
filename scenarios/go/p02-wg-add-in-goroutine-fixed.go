// Goroutine pitfalls, bug 2, fixed: Add before go.
// same-as: ../pitfalls/02-wg-add-in-goroutine-fixed.ron
package main

import (
	"sync"
	"sync/atomic"
)

const n = 2

var finished int64

// weft:expect clean
func main() {
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			atomic.AddInt64(&finished, 1)
		}()
	}
	wg.Wait()
	if atomic.LoadInt64(&finished) != n {
		panic("done printed before the work finished")
	}
}
