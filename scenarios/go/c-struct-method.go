// Construct: a struct holding a mutex and a counter, and methods with
// pointer receivers (each becomes a function `Counter_Inc` whose first
// parameter is the receiver). Two goroutines increment under the lock.
package main

import "sync"

type Counter struct {
	mu sync.Mutex
	n  int
}

func (c *Counter) Inc() {
	c.mu.Lock()
	c.n++
	c.mu.Unlock()
}

func (c *Counter) Get() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

// weft:expect clean
func main() {
	var c Counter
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.Inc()
		}()
	}
	wg.Wait()
	if c.Get() != 2 {
		panic("lost an increment")
	}
}
