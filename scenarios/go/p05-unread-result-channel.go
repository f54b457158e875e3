// Goroutine pitfalls, bug 5: on a cache hit compute returns early and
// nobody receives from ch: the goroutine's send blocks forever.
// same-as: ../pitfalls/05-unread-result-channel.ron
package main

import "math/rand"

func expensive(x int) int { return x * 2 }

func compute(x int) int {
	ch := make(chan int)
	go func() {
		ch <- x * 2
	}()
	if rand.Intn(2) == 0 {
		return 0
	}
	return <-ch
}

// weft:expect Leak
func main() {
	r := compute(7)
	_ = r
}
