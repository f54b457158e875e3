// Construct: the same counter, with a method that forgets the lock: the
// two increments race on the field `n` (a field is a location of its own).
package main

import "sync"

type Counter struct {
	mu sync.Mutex
	n  int
}

func (c *Counter) Inc() {
	c.n++
}

// weft:expect Race, Panic
func main() {
	c := &Counter{}
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.Inc()
		}()
	}
	wg.Wait()
	c.mu.Lock()
	n := c.n
	c.mu.Unlock()
	if n != 2 {
		panic("lost an increment")
	}
}
