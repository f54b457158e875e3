// Goroutine pitfalls, bug 18, fixed: close after the loop.
// same-as: ../pitfalls/18-close-mid-iteration-fixed.ron
package main

import "sync"

// weft:expect clean
func main() {
	jobs := make(chan int)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for j := range jobs {
			_ = j
		}
	}()
	for j := 0; j < 2; j++ {
		jobs <- j
	}
	close(jobs)
	wg.Wait()
}
