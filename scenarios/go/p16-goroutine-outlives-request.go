// Goroutine pitfalls, bug 16: each request starts a background goroutine
// that sleeps, then uploads the request's body; the handler returns at
// once. Nothing bounds them: under load, request bodies pile up in memory.
// `pinned` counts the bodies held by background uploads; more than the
// budget is the failure (a panic here, an Assert in the hand-written
// scenario).
// same-as: ../pitfalls/16-goroutine-outlives-request.ron
package main

import (
	"sync/atomic"
	"time"
)

const requests = 3
const budget = 2

var pinned atomic.Int64 // bodies held by background uploads

func upload(body int) {
	time.Sleep(time.Millisecond)
}

func handleUpload(body int) {
	if pinned.Add(1) > budget {
		panic("request bodies pinned by background uploads exceed the memory budget")
	}
	go func() {
		time.Sleep(10 * time.Second)
		upload(body)
		pinned.Add(-1)
	}()
	// w.WriteHeader(http.StatusAccepted)
}

// weft:expect Panic
func main() {
	for r := 0; r < requests; r++ {
		handleUpload(r)
	}
}
