// Construct: a string field, locked. The job of c-status-field-race.go
// with every access of its status under the job's mutex, and main reading
// it once the worker is done: clean.
package main

import (
	"fmt"
	"sync"
)

type Job struct {
	mu     sync.Mutex
	status string
	done   chan struct{}
}

func (j *Job) run() {
	j.mu.Lock()
	j.status = "running"
	j.mu.Unlock()
	j.mu.Lock()
	j.status = "done"
	j.mu.Unlock()
	close(j.done)
}

func (j *Job) poll() {
	j.mu.Lock()
	fmt.Println(j.status)
	j.mu.Unlock()
}

// weft:expect clean
func main() {
	j := &Job{status: "new", done: make(chan struct{})}
	go j.run()
	j.poll()
	<-j.done
	fmt.Println(j.status)
}
