// Goroutine pitfalls, bug 2: wg.Add(1) inside the goroutine races with
// main's Wait, which can return before the work is done.
// same-as: ../pitfalls/02-wg-add-in-goroutine.ron
package main

import (
	"sync"
	"sync/atomic"
)

const n = 2

var finished int64

// weft:expect Race, Panic
func main() {
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		go func() {
			wg.Add(1)
			defer wg.Done()
			atomic.AddInt64(&finished, 1)
		}()
	}
	wg.Wait()
	if atomic.LoadInt64(&finished) != n {
		panic("done printed before the work finished")
	}
}
