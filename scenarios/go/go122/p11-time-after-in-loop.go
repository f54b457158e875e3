// Goroutine pitfalls, bug 11: time.After in a select loop makes a fresh
// timer on every iteration; when a message wins the select, that timer is
// abandoned but, with Go 1.22 timers (this module's go.mod says go 1.22),
// stays alive in the runtime until it fires: one pending timer per
// message. weft reports the unreachable running timer as a resource leak.
// same-as: ../../pitfalls/11-time-after-in-loop.ron
package main

import "time"

const n = 2

func consumer(messages <-chan int) {
	for {
		select {
		case m := <-messages:
			_ = m // handle(m)
		case <-time.After(time.Second):
			return
		}
	}
}

// weft:expect ResourceLeak
func main() {
	messages := make(chan int, n)
	go consumer(messages)
	for i := 0; i < n; i++ {
		messages <- i
	}
}
