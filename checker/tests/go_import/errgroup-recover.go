// Errgroup workers turn a panic into the error of their named result
// (the recover-to-error pattern in a function literal): the group's Wait
// returns it, and main panics on it. Go panics on every run; weft must
// follow the error the deferred call sets, or the program looks clean.
// The number of workers comes from a function value whose named result a
// deferred call increments, followed the same way (1 + 1 = 2 workers).
package main

import (
	"errors"

	"golang.org/x/sync/errgroup"
)

func main() {
	workers := func() (n int) {
		defer func() { n++ }()
		return 1
	}
	count := workers()
	var g errgroup.Group
	for i := 0; i < count; i++ {
		i := i
		g.Go(func() (err error) {
			defer func() {
				if r := recover(); r != nil {
					err = errors.New("worker panicked")
				}
			}()
			if i == 1 {
				panic("bad input")
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		panic("a worker failed")
	}
}
