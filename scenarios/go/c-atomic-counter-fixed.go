// Construct: atomic.Int64 methods only: no race.
// same-as: ../pitfalls/14-atomic-and-plain-read-fixed.ron
package main

import (
	"sync"
	"sync/atomic"
)

var requests atomic.Int64

func handle(wg *sync.WaitGroup) {
	defer wg.Done()
	requests.Add(1)
}

// weft:expect clean
func main() {
	var wg sync.WaitGroup
	wg.Add(2)
	go handle(&wg)
	go handle(&wg)
	wg.Wait()
	if requests.Load() != 2 {
		panic("lost update")
	}
}
