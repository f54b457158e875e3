// Goroutine pitfalls, bug 4: a worker panics on a malformed job; nothing in
// its goroutine recovers, so the whole process crashes.
// same-as: ../pitfalls/04-panic-in-worker.ron
package main

import (
	"math/rand"
	"sync"
)

func process(job int) {
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

// weft:expect Panic
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
