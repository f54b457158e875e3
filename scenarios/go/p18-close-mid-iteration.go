// Goroutine pitfalls, bug 18: the producer closes jobs after the job marked
// final, then sends the next one: send on closed channel.
// same-as: ../pitfalls/18-close-mid-iteration.ron
package main

import (
	"math/rand"
	"sync"
)

// weft:expect Panic
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
	final := rand.Intn(2)
	for j := 0; j < 2; j++ {
		jobs <- j
		if j == final {
			close(jobs)
		}
	}
	wg.Wait()
}
