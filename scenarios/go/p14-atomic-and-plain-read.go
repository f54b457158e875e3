// Goroutine pitfalls, bug 14: handle updates the counter atomically, the
// report prints it with a plain read, which races with the atomic add.
// same-as: ../pitfalls/14-atomic-and-plain-read.ron
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

// weft:expect Race
func main() {
	var wg sync.WaitGroup
	wg.Add(1)
	go handle(&wg)
	fmt.Println("requests:", requests)
	wg.Wait()
}
