// Goroutine pitfalls, bug 22, fixed: a Ticker, stopped when monitor returns.
// same-as: ../../pitfalls/22-time-tick-leak-fixed.ron
package main

import (
	"math/rand"
	"time"
)

func monitor() {
	t := time.NewTicker(time.Millisecond)
	defer t.Stop()
	for range t.C {
		if rand.Intn(2) == 0 {
			return
		}
	}
}

// weft:expect clean
func main() {
	monitor()
}
