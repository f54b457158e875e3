// Goroutine pitfalls, bug 9, fixed: one closer, after every sender is done.
// same-as: ../pitfalls/09-double-close-fixed.ron
package main

import "sync"

// weft:expect clean
func main() {
	ch := make(chan int)
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			ch <- i
		}(i)
	}
	go func() {
		wg.Wait()
		close(ch)
	}()
	for v := range ch {
		_ = v
	}
}
