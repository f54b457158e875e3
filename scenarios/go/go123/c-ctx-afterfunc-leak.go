// Construct: context.AfterFunc whose callback blocks for ever: it sends on
// an unbuffered channel nobody reads once main has given up waiting. The
// callback runs in a goroutine of its own, which leaks. The fix is
// c-ctx-afterfunc-leak-fixed.go. (context.AfterFunc needs Go 1.21.)
package main

import (
	"context"
	"time"
)

// weft:expect Leak
func main() {
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan int)
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
