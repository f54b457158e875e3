// Goroutine pitfalls, bug 26: Run sends a result with a plain send; once
// the caller stops reading (ctx done), the send blocks forever.
// same-as: ../pitfalls/26-send-blocks-on-shutdown.ron
package main

import "context"

func run(ctx context.Context, jobs chan int, results chan int) {
	for {
		select {
		case <-ctx.Done():
			return
		case j := <-jobs:
			results <- j * 2
		}
	}
}

// weft:expect Leak
func main() {
	ctx, cancel := context.WithCancel(context.Background())
	jobs := make(chan int)
	results := make(chan int)
	go run(ctx, jobs, results)
	jobs <- 1
	cancel()
}
