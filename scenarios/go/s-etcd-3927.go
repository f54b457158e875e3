// etcd#3927: the WithCancel context is replaced by a WithTimeout one when a
// header timeout is set; the first cancel function is lost.
// same-as: ../study/etcd-3927.ron
// Not importable yet: a variable holding a context is assigned another one
// (shared variables holding objects are issue 14's).
package main

import (
	"context"
	"math/rand"
	"time"
)

// weft:expect ContextLeak
// weft:import-error cannot import assigning a context.Context to an existing variable
func main() {
	ctx := context.Background()
	hctx, hcancel := context.WithCancel(ctx)
	if rand.Intn(2) == 0 {
		tctx, tcancel := context.WithTimeout(ctx, time.Millisecond)
		hctx = tctx
		hcancel = tcancel
	}
	defer hcancel()
	rtchan := make(chan int, 1)
	go func() {
		rtchan <- 1
	}()
	select {
	case <-rtchan:
	case <-hctx.Done():
		<-rtchan
	}
}
