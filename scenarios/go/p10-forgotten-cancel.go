// Goroutine pitfalls, bug 10: the cancel function of WithTimeout is
// dropped; go vet's lostcancel check reports it, and so does the import.
// same-as: ../pitfalls/10-forgotten-cancel.ron
package main

import (
	"context"
	"time"
)

func fetch(parent context.Context) {
	ctx, cancel := context.WithTimeout(parent, 5*time.Second)
	_ = cancel
	resp := make(chan int, 1)
	go func() { resp <- 1 }()
	select {
	case <-resp:
	case <-ctx.Done():
	}
}

// weft:expect ContextLeak
func main() {
	fetch(context.Background())
}
