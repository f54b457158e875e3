// moby/moby#21692 (the study's non-blocking message-passing example): a
// wait with an optional timeout. dur <= 0 means "no timeout", but the code
// makes a timer of duration 0, which fires at once: the select returns
// through the timeout case although no timeout was set.
// same-as: ../study/docker-21692.ron
package main

import (
	"context"
	"math/rand"
	"time"
)

func wait(ctx context.Context, dur time.Duration) bool {
	timer := time.NewTimer(0)
	if dur > 0 {
		timer = time.NewTimer(dur)
	}
	select {
	case <-timer.C:
		return true // timed out
	case <-ctx.Done():
		return false
	}
}

// weft:expect Panic
func main() {
	dur := time.Duration(rand.Intn(2)) // the caller's dur; <= 0: wait for ctx only
	ctx, cancel := context.WithCancel(context.Background())
	go cancel() // the caller cancels at some point
	if wait(ctx, dur) && dur <= 0 {
		panic("timed out although no timeout was set: the zero-duration timer fired at once")
	}
}
