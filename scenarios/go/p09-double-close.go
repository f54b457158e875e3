// Goroutine pitfalls, bug 9: every sender defers close(ch).
// same-as: ../pitfalls/09-double-close.ron
package main

import "sync"

// weft:expect Race, Panic
func main() {
	ch := make(chan int)
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			defer close(ch)
			ch <- i
		}(i)
	}
	go func() {
		for v := range ch {
			_ = v
		}
	}()
	wg.Wait()
}
