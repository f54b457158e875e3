// Construct: the fix of ctx_afterfunc_test.go: the test cancels the
// context before it waits for the callback, and stop() is then false.
package gocorpus

import (
	"context"
	"testing"
)

// weft:expect clean
func TestCallbackAfterCancelFixed(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	stop := context.AfterFunc(ctx, func() { close(done) })
	cancel()
	<-done
	if stop() {
		t.Errorf("stop after the callback ran")
	}
}
