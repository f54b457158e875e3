// Goroutine pitfalls, bug 27: the package's init starts a flusher
// goroutine that nothing can stop; it outlives main (and every test of
// every package importing it). Go runs init before main; the import does
// too. `running` counts the goroutines goleak would see, and waiting for
// it stands for goleak.VerifyNone: the flusher never ends, a leak.
// same-as: ../pitfalls/27-init-goroutine-unmanaged.ron
package main

import (
	"sync"
	"sync/atomic"
	"time"
)

var counters atomic.Int64

var running sync.WaitGroup // the goroutines goleak sees

func flush(n int64) {}

func init() {
	running.Add(1)
	go func() {
		defer running.Done()
		for t := range time.Tick(time.Second) {
			_ = t
			flush(counters.Load())
		}
	}()
}

// weft:expect Leak
func main() {
	counters.Add(1)
	running.Wait() // goleak.VerifyNone(t)
}
