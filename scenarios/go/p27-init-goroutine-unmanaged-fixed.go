// Goroutine pitfalls, bug 27, fixed: no goroutine in init; an explicit
// lifecycle, Start with a context and Stop that cancels it and waits, so
// the flusher has ended when goleak.VerifyNone (waiting for `running`)
// looks.
// same-as: ../pitfalls/27-init-goroutine-unmanaged-fixed.ron
package main

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

var counters atomic.Int64

var running sync.WaitGroup // the goroutines goleak sees

func flush(n int64) {}

type Telemetry struct {
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

func Start() *Telemetry {
	ctx, cancel := context.WithCancel(context.Background())
	t := &Telemetry{cancel: cancel}
	t.wg.Add(1)
	running.Add(1)
	go t.run(ctx)
	return t
}

func (t *Telemetry) run(ctx context.Context) {
	defer running.Done()
	defer t.wg.Done()
	ticker := time.NewTicker(time.Second)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
			flush(counters.Load())
		}
	}
}

func (t *Telemetry) Stop() {
	t.cancel()
	t.wg.Wait()
}

// weft:expect clean
func main() {
	t := Start()
	counters.Add(1)
	t.Stop()
	running.Wait() // goleak.VerifyNone(t)
}
