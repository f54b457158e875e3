// Construct: the comma-ok map lookup. A cache filled by goroutines,
// `if v, ok := cache[k]; ok { return v }`, with the lookup and the fill
// under the cache's mutex: no race.
package main

import "sync"

type Cache struct {
	mu      sync.Mutex
	entries map[int]int
	misses  int
}

func square(k int) int {
	return k * k
}

func (c *Cache) get(k int) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	if v, ok := c.entries[k]; ok {
		return v
	}
	c.misses++
	v := square(k)
	c.entries[k] = v
	return v
}

// weft:expect clean
func main() {
	c := &Cache{entries: make(map[int]int)}
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if c.get(3) != 9 {
				panic("wrong value")
			}
		}()
	}
	wg.Wait()
	if _, ok := c.entries[3]; !ok || c.misses != 1 {
		panic("the cache missed twice")
	}
}
