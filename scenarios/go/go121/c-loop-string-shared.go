// Construct: a loop variable of a slice of strings, shared with its
// goroutines before Go 1.22. The loop has one `name` for all its
// iterations, so each goroutine's read of it races with the loop's next
// write (Go's race detector: 10 of 10 runs); weft keeps `name` as a
// shared string variable, written at each iteration.
// go-vet: loop variable name captured by func literal
package main

import (
	"fmt"
	"sync"
)

// weft:expect Race
func main() {
	names := []string{"alpha", "beta"}
	var wg sync.WaitGroup
	for _, name := range names {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fmt.Println(name)
		}()
	}
	wg.Wait()
}
