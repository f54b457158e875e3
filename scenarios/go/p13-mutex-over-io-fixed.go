// Goroutine pitfalls, bug 13, fixed: the upstream request runs outside the
// critical section; the lock is taken once to look up and once to store,
// so the cache hit is served while the miss waits for the upstream.
// same-as: ../pitfalls/13-mutex-over-io-fixed.ron
package main

import "sync"

type Cache struct {
	mu       sync.Mutex
	data     map[int]int
	upstream chan int
}

func (c *Cache) Get(key int) int {
	c.mu.Lock()
	v := c.data[key]
	c.mu.Unlock()
	if v != 0 { // cached (weft's maps have no comma-ok)
		return v
	}
	b := <-c.upstream // I/O outside the lock
	c.mu.Lock()
	c.data[key] = b
	c.mu.Unlock()
	return b
}

// weft:expect clean
func main() {
	c := &Cache{data: make(map[int]int), upstream: make(chan int)}
	c.data[1] = 10 // key 1 is cached
	hitServed := make(chan bool)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { // a request for a missing key
		defer wg.Done()
		c.Get(2)
	}()
	go func() { // a request for a cached key
		defer wg.Done()
		c.Get(1)
		close(hitServed)
	}()
	go func() { // the upstream, slower than a hit
		<-hitServed
		c.upstream <- 20
	}()
	wg.Wait()
}
