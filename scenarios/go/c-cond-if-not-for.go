// Construct: sync.Cond waited on with `if` instead of `for`, with two
// consumers and a Broadcast: one consumer can wake to an empty queue.
package main

import "sync"

var mu sync.Mutex
var items int

func consume(c *sync.Cond, wg *sync.WaitGroup) {
	defer wg.Done()
	mu.Lock()
	if items == 0 {
		c.Wait()
	}
	items -= 1
	if items < 0 {
		panic("took from an empty queue")
	}
	mu.Unlock()
}

// weft:expect Panic
func main() {
	c := sync.NewCond(&mu)
	var wg sync.WaitGroup
	wg.Add(2)
	go consume(c, &wg)
	go consume(c, &wg)
	mu.Lock()
	items += 1
	c.Broadcast()
	mu.Unlock()
	mu.Lock()
	items += 1
	c.Broadcast()
	mu.Unlock()
	wg.Wait()
}
