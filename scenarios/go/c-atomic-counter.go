// Construct: atomic.Int64 methods and CompareAndSwap; one goroutine reads
// the counter with a plain load through a pointer (pitfall 14).
// same-as: ../pitfalls/14-atomic-and-plain-read.ron
package main

import (
	"sync"
	"sync/atomic"
)

var requests int64

func handle(wg *sync.WaitGroup) {
	defer wg.Done()
	atomic.AddInt64(&requests, 1)
}

// weft:expect Race
func main() {
	var wg sync.WaitGroup
	wg.Add(2)
	go handle(&wg)
	go handle(&wg)
	if atomic.CompareAndSwapInt64(&requests, 0, 10) {
		atomic.StoreInt64(&requests, 0)
	}
	shown := requests
	_ = shown
	wg.Wait()
}
