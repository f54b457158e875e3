// etcd#3927: the WithCancel context is replaced by a WithTimeout one when a
// header timeout is set; the first cancel function is lost. The variables
// holding the context and its cancel function are assigned again: the
// import makes the new ones under fresh names and `Set`s them.
// same-as: ../study/etcd-3927.ron
package main

import (
	"context"
	"math/rand"
	"time"
)

// weft:expect ContextLeak
func main() {
	ctx := context.Background()
	hctx, hcancel := context.WithCancel(ctx)
	if rand.Intn(2) == 0 {
		hctx, hcancel = context.WithTimeout(ctx, time.Millisecond)
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
