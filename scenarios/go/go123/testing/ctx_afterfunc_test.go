// Construct: a test waiting for a context.AfterFunc callback whose context
// is never cancelled: the callback never runs and the wait never ends
// (Go's `all goroutines are asleep`; `go test` reports it when its timer
// is not pending, weft as a deadlock). The fix is
// ctx_afterfunc_fixed_test.go.
package gocorpus

import (
	"context"
	"testing"
)

// weft:expect Deadlock
func TestCallbackAfterCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	context.AfterFunc(ctx, func() { close(done) })
	<-done
	cancel()
}
