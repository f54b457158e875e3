// Goroutine pitfalls, bug 3: time.Sleep orders nothing; main reads the
// result while heavyWork may still be writing it.
// same-as: ../pitfalls/03-sleep-as-sync.ron
package main

import "time"

var result int

func heavyWork() {
	result = 42
}

// weft:expect Race, Panic
func main() {
	go heavyWork()
	time.Sleep(10 * time.Millisecond)
	if result != 42 {
		panic("hopefully done: it was not")
	}
}
