// A worker turns a panic into an error through its named result (the
// recover-to-error pattern); the collector returns on the first error and
// the other workers stay blocked sending their results (a leak). Go
// returns the error the deferred call sets: weft must follow it, or the
// program looks clean.
package main

import "fmt"

type result struct {
	n   int
	err error
}

func process(i int) (n int, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("process %d: %v", i, r)
		}
	}()
	if i == 2 {
		panic("bad input")
	}
	return i * 10, nil
}

func main() {
	results := make(chan result)
	for i := 0; i < 3; i++ {
		go func(i int) {
			n, err := process(i)
			results <- result{n, err}
		}(i)
	}
	for i := 0; i < 3; i++ {
		r := <-results
		if r.err != nil {
			return
		}
		fmt.Println(r.n)
	}
}
