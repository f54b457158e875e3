// Construct: a function with (int, error) results, recover in a deferred
// closure, a nil channel that blocks a select case forever. parse returns
// len(s), data weft does not follow: sent on a `chan int`, it makes the
// integer channels' values untracked at their receivers.
package main

import (
	"errors"
	"math/rand"
)

func parse(s string) (int, error) {
	if rand.Intn(2) == 0 {
		return 0, errors.New("bad input")
	}
	return len(s), nil
}

func safe(results chan int) {
	defer func() {
		if r := recover(); r != nil {
			results <- -1
		}
	}()
	n, err := parse("input")
	if err != nil {
		panic("parse failed")
	}
	results <- n
}

// weft:expect clean
func main() {
	results := make(chan int, 1)
	var never chan int
	go safe(results)
	select {
	case v := <-results:
		_ = v
	case <-never:
		panic("a nil channel is never ready")
	}
}
