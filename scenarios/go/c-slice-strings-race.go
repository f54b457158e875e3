// Construct: slices of strings, read too early. The fan-out of
// c-slice-strings.go, with main reading the first result before it waits
// for the goroutines: a data race on the element, found though weft does
// not follow the strings (Go's race detector: 10 of 10 runs).
package main

import (
	"fmt"
	"sync"
)

// weft:expect Race
func main() {
	names := []string{"alpha", "beta", "gamma"}
	results := make([]string, len(names))
	var wg sync.WaitGroup
	for i, name := range names {
		wg.Add(1)
		go func(i int, name string) {
			defer wg.Done()
			results[i] = name + "!"
		}(i, name)
	}
	first := results[0] // before the goroutines are waited for
	wg.Wait()
	fmt.Println(first)
}
