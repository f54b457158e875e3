// Goroutine pitfalls, bug 13: Get holds c.mu across the upstream request
// on a miss, so a cache hit waits for the network. The upstream (a channel
// standing for http.Get) is slower than a hit: it answers only after the
// concurrent hit has been served. The hit waits for the miss's lock, the
// miss for the upstream, the upstream for the hit: a deadlock.
// same-as: ../pitfalls/13-mutex-over-io.ron
package main

import "sync"

type Cache struct {
	mu       sync.Mutex
	data     map[int]int
	upstream chan int
}

func (c *Cache) Get(key int) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	if v := c.data[key]; v != 0 { // cached (weft's maps have no comma-ok)
		return v
	}
	b := <-c.upstream // resp, err := http.Get("https://upstream/" + key)
	c.data[key] = b
	return b
}

// weft:expect Deadlock
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
