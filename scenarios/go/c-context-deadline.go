// Construct: WithDeadline and WithCancel chained, ctx.Err(), and a worker
// that stops on Done.
package main

import (
	"context"
	"time"
)

func worker(ctx context.Context, out chan int) {
	for {
		select {
		case <-ctx.Done():
			close(out)
			return
		case out <- 1:
		}
	}
}

// weft:expect clean
func main() {
	parent, stop := context.WithDeadline(context.Background(), time.Now().Add(time.Millisecond))
	defer stop()
	ctx, cancel := context.WithCancel(parent)
	out := make(chan int)
	go worker(ctx, out)
	<-out
	cancel()
	for v := range out {
		_ = v
	}
	if ctx.Err() == nil {
		panic("cancelled context without an error")
	}
}
