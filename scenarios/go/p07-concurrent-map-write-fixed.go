// Goroutine pitfalls, bug 7, fixed: a mutex guards the map.
// same-as: ../pitfalls/07-concurrent-map-write-fixed.ron
package main

import "sync"

// weft:expect clean
func main() {
	m := make(map[int]int)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			mu.Lock()
			m[i] = i * 2
			mu.Unlock()
		}(i)
	}
	wg.Wait()
}
