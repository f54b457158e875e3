// Construct: a string field. A job's status, set by its worker and polled
// by main with no lock: a data race (-race reports it), though the status
// is a string, whose value weft does not track: the field is a cell whose
// reads and writes weft keeps.
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
	j.status = "running"
	j.mu.Lock()
	j.status = "done"
	j.mu.Unlock()
	close(j.done)
}

// weft:expect Race
func main() {
	j := &Job{status: "new", done: make(chan struct{})}
	go j.run()
	fmt.Println(j.status)
	<-j.done
}
