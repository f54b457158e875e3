// The fix of c-error-early-return.go: the channel has room for every
// result, so the workers finish whether or not the collector returns
// early on the first error.
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
	ch := make(chan result, n)
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

// weft:expect clean
func main() {
	t, err := gather(4)
	fmt.Println(t, err)
}
