// Goroutine pitfalls, bug 1: each goroutine's closure reads the loop
// variable i. This module's go.mod says go 1.21: before Go 1.22 the loop
// has one i for all its iterations, so the reads race with the loop's i++
// (on Go 1.21 the output is often 3 3 3). The import follows the go.mod:
// i is one shared variable. ../go122/p01-captured-loop-var.go is the same
// program under Go 1.22, where it is correct.
// same-as: ../../pitfalls/01-captured-loop-var.ron
// go-vet: loop variable i captured by func literal
package main

import (
	"fmt"
	"sync"
)

const n = 3

// weft:expect Race
func main() {
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fmt.Println(i)
		}()
	}
	wg.Wait()
}
