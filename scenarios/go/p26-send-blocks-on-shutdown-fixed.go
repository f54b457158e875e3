// Goroutine pitfalls, bug 26, fixed: the send also watches ctx.
// same-as: ../pitfalls/26-send-blocks-on-shutdown-fixed.ron
package main

import "context"

func run(ctx context.Context, jobs chan int, results chan int) {
	for {
		select {
		case <-ctx.Done():
			return
		case j := <-jobs:
			select {
			case results <- j * 2:
			case <-ctx.Done():
				return
			}
		}
	}
}

// weft:expect clean
func main() {
	ctx, cancel := context.WithCancel(context.Background())
	jobs := make(chan int)
	results := make(chan int)
	done := make(chan bool)
	go func() {
		run(ctx, jobs, results)
		close(done)
	}()
	jobs <- 1
	cancel()
	<-done
}
