// Construct: the fix of c-afterfunc-rearm.go: main holds the lock the
// callback takes while it arms the timer and assigns `t`, so the callback
// sees `t` assigned.
package main

import (
	"sync"
	"time"
)

// weft:expect clean
func main() {
	var mu sync.Mutex
	retried := false
	var t *time.Timer
	mu.Lock()
	t = time.AfterFunc(time.Nanosecond, func() {
		mu.Lock()
		defer mu.Unlock()
		if !retried {
			retried = true
			t.Reset(time.Millisecond)
		}
	})
	mu.Unlock()
	time.Sleep(5 * time.Millisecond)
}
