// Goroutine pitfalls, bug 16, fixed (solution 16, fix 1): a bounded upload
// queue drained by a worker; Submit refuses a body when the queue is full
// (backpressure), so at most the queue's capacity plus the body being
// uploaded are pinned.
// same-as: ../pitfalls/16-goroutine-outlives-request-fixed.ron
package main

import (
	"errors"
	"sync/atomic"
	"time"
)

const requests = 3
const budget = 2

var pinned atomic.Int64 // bodies held by background uploads

var errBackpressure = errors.New("backpressure")

type Uploader struct {
	queue chan int
}

func (u *Uploader) Submit(body int) error {
	select {
	case u.queue <- body:
		if pinned.Add(1) > budget {
			panic("request bodies pinned by background uploads exceed the memory budget")
		}
		return nil
	default:
		return errBackpressure
	}
}

func (u *Uploader) worker() {
	for body := range u.queue {
		upload(body)
		pinned.Add(-1)
	}
}

func upload(body int) {
	time.Sleep(time.Millisecond)
}

func handleUpload(u *Uploader, body int) {
	if err := u.Submit(body); err != nil {
		return // 503 Service Unavailable
	}
	// w.WriteHeader(http.StatusAccepted)
}

// weft:expect clean
func main() {
	u := &Uploader{queue: make(chan int, 1)}
	go u.worker()
	for r := 0; r < requests; r++ {
		handleUpload(u, r)
	}
	close(u.queue) // server shutdown: stop the uploader
}
