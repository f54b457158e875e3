// Construct: the comma-ok map lookup without the lock. Goroutines fill a
// cache, `if v, ok := cache[k]; ok { return v }`, with nothing ordering a
// lookup against another goroutine's fill: a data race on the map
// (Go's runtime may also stop with `concurrent map read and map write`).
package main

import "sync"

var cache = make(map[int]int)

func square(k int) int {
	return k * k
}

func get(k int) int {
	if v, ok := cache[k]; ok {
		return v
	}
	v := square(k)
	cache[k] = v
	return v
}

// weft:expect Race
func main() {
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if get(3) != 9 {
				panic("wrong value")
			}
		}()
	}
	wg.Wait()
}
