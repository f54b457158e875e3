// Goroutine pitfalls, bug 22: time.Tick's ticker can never be stopped;
// when monitor returns it keeps running (a leak with Go 1.22 timers).
// same-as: ../../pitfalls/22-time-tick-leak.ron
// go.mod beside this file says go 1.22: the import writes go: "1.22".
package main

import (
	"math/rand"
	"time"
)

func monitor() {
	for t := range time.Tick(time.Millisecond) {
		_ = t
		if rand.Intn(2) == 0 {
			return
		}
	}
}

// weft:expect ResourceLeak
func main() {
	monitor()
}
