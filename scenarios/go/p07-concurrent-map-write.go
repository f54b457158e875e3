// Goroutine pitfalls, bug 7: concurrent writes to a map.
// same-as: ../pitfalls/07-concurrent-map-write.ron
package main

import "sync"

// weft:expect Race
func main() {
	m := make(map[int]int)
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			m[i] = i * 2
		}(i)
	}
	wg.Wait()
}
