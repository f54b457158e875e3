// The study's commonest blocking bug: the first error returns early and
// leaves the other senders blocked. The error is followed exactly.
package main

import (
	"errors"
	"fmt"
)

func fetch(i int) (int, error) {
	if i == 2 {
		return 0, fmt.Errorf("fetch %d: %w", i, errors.New("boom"))
	}
	return i * 10, nil
}

func gather(n int) (int, error) {
	ch := make(chan int)
	for i := 0; i < n; i++ {
		go func(i int) { ch <- i }(i)
	}
	total := 0
	for i := 0; i < n; i++ {
		v, err := fetch(<-ch)
		if err != nil {
			return 0, err
		}
		total += v
	}
	return total, nil
}

// weft:expect Leak
func main() {
	t, err := gather(4)
	fmt.Println(t, err)
}
