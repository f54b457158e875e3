// Goroutine pitfalls, bug 10, fixed: defer cancel().
// same-as: ../pitfalls/10-forgotten-cancel-fixed.ron
package main

import (
	"context"
	"time"
)

func fetch(parent context.Context) {
	ctx, cancel := context.WithTimeout(parent, 5*time.Second)
	defer cancel()
	resp := make(chan int, 1)
	go func() { resp <- 1 }()
	select {
	case <-resp:
	case <-ctx.Done():
	}
}

// weft:expect clean
func main() {
	fetch(context.Background())
}
