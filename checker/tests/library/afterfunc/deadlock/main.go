// ctx_afterfunc_never_cancelled_is_a_deadlock: a context.AfterFunc
// registration is not a goroutine: main waiting for a callback whose
// context is never done is Go's global deadlock.
package main

import "context"

func main() {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	context.AfterFunc(ctx, func() { close(done) })
	<-done
	cancel()
}
