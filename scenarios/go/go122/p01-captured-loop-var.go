// Goroutine pitfalls, bug 1, under Go 1.22 (this module's go.mod says go
// 1.22): the same program as ../go121/p01-captured-loop-var.go, but from Go
// 1.22 each iteration has its own i, so each goroutine reads its own
// iteration's value and nothing races. (A Go toolchain older than 1.22, as
// Debian's go1.19 here, still compiles it with one i for the loop.)
// same-as: ../../pitfalls/01-captured-loop-var-fixed.ron
// go-vet: loop variable i captured by func literal
// (that is go1.19's vet: from Go 1.22 vet does not report it in a go 1.22 module)
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
		go func() {
			defer wg.Done()
			fmt.Println(i)
		}()
	}
	wg.Wait()
}
