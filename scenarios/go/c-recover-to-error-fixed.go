// Construct: named results and the recover-to-error pattern, fixed (see
// c-recover-to-error.go): the channel has room for every result, so the
// workers finish whether the collector returns early or not.
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

// weft:expect clean
func main() {
	out := make(chan outcome, 3)
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
