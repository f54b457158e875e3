// Construct: errors as values, and the study's commonest blocking bug.
// Workers fetch one input each and send a `result` (a value and an error)
// on an unbuffered channel; the collector returns on the first error and
// the workers still sending are blocked for ever. weft follows the error
// from `errors.New` through the result's field to `r.err != nil`, so the
// counterexample is exact: the worker whose input fails sends first. The
// fix (c-error-early-return-fixed.go) gives the channel room for every
// result.
package main

import (
	"errors"
	"fmt"
)

type result struct {
	v   int
	err error
}

func fetch(i int) (int, error) {
	if i == 2 {
		return 0, errors.New("boom")
	}
	return i * 10, nil
}

func gather(n int) (int, error) {
	ch := make(chan result)
	for i := 0; i < n; i++ {
		go func(i int) {
			v, err := fetch(i)
			ch <- result{v, err}
		}(i)
	}
	total := 0
	for i := 0; i < n; i++ {
		r := <-ch
		if r.err != nil {
			return 0, fmt.Errorf("gather: %w", r.err)
		}
		total += r.v
	}
	return total, nil
}

// weft:expect Leak
func main() {
	t, err := gather(4)
	fmt.Println(t, err)
}
