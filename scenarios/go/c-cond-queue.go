// Construct: sync.Cond with a Mutex, Wait in a loop, Signal.
package main

import "sync"

var mu sync.Mutex
var items int

// weft:expect clean
func main() {
	c := sync.NewCond(&mu)
	done := make(chan bool)
	go func() {
		mu.Lock()
		for items == 0 {
			c.Wait()
		}
		items -= 1
		mu.Unlock()
		close(done)
	}()
	mu.Lock()
	items += 1
	c.Signal()
	mu.Unlock()
	<-done
}
