// Goroutine pitfalls, bug 11, fixed: one Timer for the whole loop, stopped
// (and drained) and reset after each message, and stopped when the
// consumer returns: no timer is left running behind.
// same-as: ../../pitfalls/11-time-after-in-loop-fixed.ron
package main

import "time"

const n = 2

func consumer(messages <-chan int) {
	timer := time.NewTimer(time.Second)
	defer timer.Stop()
	for {
		select {
		case m := <-messages:
			_ = m // handle(m)
			if !timer.Stop() {
				<-timer.C
			}
			timer.Reset(time.Second)
		case <-timer.C:
			return
		}
	}
}

// weft:expect clean
func main() {
	messages := make(chan int, n)
	go consumer(messages)
	for i := 0; i < n; i++ {
		messages <- i
	}
}
