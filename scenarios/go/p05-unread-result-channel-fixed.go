// Goroutine pitfalls, bug 5, fixed: a buffered channel lets the send finish.
// same-as: ../pitfalls/05-unread-result-channel-fixed.ron
package main

import "math/rand"

func compute(x int) int {
	ch := make(chan int, 1)
	go func() {
		ch <- x * 2
	}()
	if rand.Intn(2) == 0 {
		return 0
	}
	return <-ch
}

// weft:expect clean
func main() {
	r := compute(7)
	_ = r
}
