// Construct: the same closure without the lock, started twice: the two
// goroutines race on the captured `total`.
package main

import "sync"

// weft:expect Race, Panic
func main() {
	var wg sync.WaitGroup
	total := 0
	add := func(v int) {
		defer wg.Done()
		total += v
	}
	wg.Add(2)
	go add(1)
	go add(2)
	wg.Wait()
	if total != 3 {
		panic("lost an add")
	}
}
