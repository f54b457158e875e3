// Construct: the fix of c-ctx-afterfunc-leak.go: the channel has room for
// the callback's one value, so the callback never blocks.
package main

import (
	"context"
	"time"
)

// weft:expect clean
func main() {
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan int, 1)
	stop := context.AfterFunc(ctx, func() {
		stopped <- 1
	})
	defer stop()
	cancel()
	select {
	case <-stopped:
	case <-time.After(time.Millisecond):
	}
	time.Sleep(5 * time.Millisecond)
}
