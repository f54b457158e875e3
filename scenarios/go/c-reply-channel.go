// Construct: records sent on channels (`chan *Job`), the reply-channel
// pattern. A worker pool receives *Job values and answers on the channel
// each job carries; the client gives up on a slow answer (time.After). The
// reply channel is unbuffered, so the worker that answers after the client
// left blocks for ever on `j.reply <- ...`: a goroutine leak. The fix
// (c-reply-channel-fixed.go) gives the reply channel a buffer of one.
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
	j := &Job{reply: make(chan int)}
	jobs <- j
	select {
	case n := <-j.reply:
		return n
	case <-time.After(time.Second):
		return -1
	}
}

// weft:expect Leak
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
