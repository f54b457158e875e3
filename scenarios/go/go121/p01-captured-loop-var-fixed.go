// Goroutine pitfalls, bug 1, fixed (solution 1): i is passed to the
// goroutine as a parameter, so each goroutine gets its own iteration's
// value on every Go version (this module says go 1.21).
// same-as: ../../pitfalls/01-captured-loop-var-fixed.ron
package main

import (
	"fmt"
	"sync"
)

const n = 3

// weft:expect clean
func main() {
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			fmt.Println(i)
		}(i)
	}
	wg.Wait()
}
