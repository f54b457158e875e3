// Goroutine pitfalls, bug 17: the errgroup's tasks ignore the group's
// context. url 0 fails at once, which cancels ctx, but the fetch of url 1
// does not look at ctx and waits for the slow upstream (a channel nobody
// answers here): g.Wait() never returns.
// same-as: ../pitfalls/17-errgroup-ignores-ctx.ron
package main

import (
	"context"
	"errors"

	"golang.org/x/sync/errgroup"
)

var slowServer = make(chan int) // the slow upstream's answer

func slowFetch(url int) error {
	if url == 0 {
		return errors.New("url 0 failed")
	}
	body := <-slowServer
	_ = body
	return nil
}

// weft:expect Deadlock
func main() {
	g, ctx := errgroup.WithContext(context.Background())
	_ = ctx
	for url := 0; url < 2; url++ {
		url := url
		g.Go(func() error {
			return slowFetch(url)
		})
	}
	err := g.Wait()
	_ = err
}
