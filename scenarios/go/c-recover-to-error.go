// Construct: named results and the recover-to-error pattern. Each worker
// runs a step that may panic; a deferred call recovers and turns the
// panic into the error its named result returns. The collector returns on
// the first error, and the workers still sending on the unbuffered
// channel are blocked for ever. weft follows the error the deferred call
// sets (the caller takes the named results after the deferred calls ran,
// as in Go), so the counterexample is exact: the worker whose step panics
// sends first. The fix (c-recover-to-error-fixed.go) gives the channel
// room for every result.
package main

import "fmt"

type outcome struct {
	n   int
	err error
}

func step(i int) (n int, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("step %d: %v", i, r)
		}
	}()
	if i == 1 {
		panic("bad input")
	}
	n = i * 10
	return
}

// weft:expect Leak
func main() {
	out := make(chan outcome)
	for i := 0; i < 3; i++ {
		go func(i int) {
			n, err := step(i)
			out <- outcome{n, err}
		}(i)
	}
	total := 0
	for i := 0; i < 3; i++ {
		o := <-out
		if o.err != nil {
			fmt.Println(o.err)
			return
		}
		total += o.n
	}
	fmt.Println(total)
}
