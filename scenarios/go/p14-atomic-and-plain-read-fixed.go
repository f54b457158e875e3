// Goroutine pitfalls, bug 14, fixed: the report loads the counter atomically.
// same-as: ../pitfalls/14-atomic-and-plain-read-fixed.ron
package main

import (
	"fmt"
	"sync"
	"sync/atomic"
)

var requests int64

func handle(wg *sync.WaitGroup) {
	defer wg.Done()
	atomic.AddInt64(&requests, 1)
}

// weft:expect clean
func main() {
	var wg sync.WaitGroup
	wg.Add(1)
	go handle(&wg)
	fmt.Println("requests:", atomic.LoadInt64(&requests))
	wg.Wait()
}
