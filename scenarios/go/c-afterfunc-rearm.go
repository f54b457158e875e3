// Construct: time.AfterFunc whose callback re-arms its own timer, the
// classic `t = time.AfterFunc(d, func() { ...; t.Reset(d) })`. The callback
// may run before `t` is assigned: a data race on `t`, and `t.Reset` on a
// nil timer panics. The fix is c-afterfunc-rearm-fixed.go.
package main

import (
	"sync"
	"time"
)

// weft:expect Race, Panic
func main() {
	var mu sync.Mutex
	retried := false
	var t *time.Timer
	t = time.AfterFunc(time.Nanosecond, func() {
		mu.Lock()
		defer mu.Unlock()
		if !retried {
			retried = true
			t.Reset(time.Millisecond)
		}
	})
	time.Sleep(5 * time.Millisecond)
}
