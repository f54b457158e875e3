// etcd#3927, fixed: exactly one derived context is made, a WithTimeout one
// when a header timeout is set and a WithCancel one otherwise, and its
// cancel function is deferred.
// same-as: ../study/etcd-3927-fixed.ron
package main

import (
	"context"
	"math/rand"
	"time"
)

// weft:expect clean
func main() {
	ctx := context.Background()
	var hctx context.Context
	var hcancel context.CancelFunc
	if rand.Intn(2) == 0 {
		hctx, hcancel = context.WithTimeout(ctx, time.Millisecond)
	} else {
		hctx, hcancel = context.WithCancel(ctx)
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
