// Goroutine pitfalls, bug 17, fixed: the tasks take the group's context;
// when url 0 fails and the group cancels ctx, the fetch of url 1 returns
// ctx.Err() instead of waiting for the slow upstream, and Wait returns
// url 0's error.
// same-as: ../pitfalls/17-errgroup-ignores-ctx-fixed.ron
package main

import (
	"context"
	"errors"

	"golang.org/x/sync/errgroup"
)

var slowServer = make(chan int) // the slow upstream's answer

var errURL0 = errors.New("url 0 failed")

func slowFetchCtx(ctx context.Context, url int) error {
	if url == 0 {
		return errURL0
	}
	select {
	case body := <-slowServer:
		_ = body
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// weft:expect clean
func main() {
	g, ctx := errgroup.WithContext(context.Background())
	for url := 0; url < 2; url++ {
		url := url
		g.Go(func() error {
			return slowFetchCtx(ctx, url)
		})
	}
	if err := g.Wait(); err != errURL0 {
		panic("Wait returns url 0's error")
	}
}
