// Goroutine pitfalls, bug 4, fixed: the worker recovers per job.
// same-as: ../pitfalls/04-panic-in-worker-fixed.ron
package main

import (
	"math/rand"
	"sync"
)

func process(job int) {
	defer func() {
		if r := recover(); r != nil {
			_ = r
		}
	}()
	if job == 1 {
		panic("malformed job")
	}
}

func worker(jobs chan int, wg *sync.WaitGroup) {
	defer wg.Done()
	for j := range jobs {
		process(j)
	}
}

// weft:expect clean
func main() {
	jobs := make(chan int)
	var wg sync.WaitGroup
	wg.Add(1)
	go worker(jobs, &wg)
	if rand.Intn(2) == 0 {
		jobs <- 1
	} else {
		jobs <- 0
	}
	close(jobs)
	wg.Wait()
}
