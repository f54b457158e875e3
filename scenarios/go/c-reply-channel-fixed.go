// The fix of c-reply-channel.go: records sent on channels (`chan *Job`),
// the reply-channel pattern, with a reply channel of one buffered slot: a
// worker that answers after the client gave up does not block.
package main

import (
	"sync"
	"time"
)

type Job struct {
	mu    sync.Mutex
	tries int
	reply chan int
}

func worker(jobs <-chan *Job, wg *sync.WaitGroup) {
	defer wg.Done()
	for j := range jobs {
		j.mu.Lock()
		j.tries++
		n := j.tries
		j.mu.Unlock()
		j.reply <- n
	}
}

func ask(jobs chan<- *Job) int {
	j := &Job{reply: make(chan int, 1)}
	jobs <- j
	select {
	case n := <-j.reply:
		return n
	case <-time.After(time.Second):
		return -1
	}
}

// weft:expect clean
func main() {
	jobs := make(chan *Job)
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go worker(jobs, &wg)
	}
	a := ask(jobs)
	b := ask(jobs)
	close(jobs)
	if a == 0 || b == 0 {
		panic("a job answered before it ran")
	}
}
