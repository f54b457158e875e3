// moby/moby#21692, fixed: without a timeout there is no timer; the select
// waits on ctx alone (a nil channel's case is never ready).
// same-as: ../study/docker-21692-fixed.ron
package main

import (
	"context"
	"math/rand"
	"time"
)

func wait(ctx context.Context, dur time.Duration) bool {
	var timeout <-chan time.Time
	if dur > 0 {
		timer := time.NewTimer(dur)
		defer timer.Stop()
		timeout = timer.C
	}
	select {
	case <-timeout:
		return true // timed out
	case <-ctx.Done():
		return false
	}
}

// weft:expect clean
func main() {
	dur := time.Duration(rand.Intn(2)) // the caller's dur; <= 0: wait for ctx only
	ctx, cancel := context.WithCancel(context.Background())
	go cancel() // the caller cancels at some point
	if wait(ctx, dur) && dur <= 0 {
		panic("timed out although no timeout was set: the zero-duration timer fired at once")
	}
}
