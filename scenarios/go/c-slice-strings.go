// Construct: slices of strings. weft keeps a slice whose elements it
// does not track (strings, floats) with its length, and each element as
// a cell holding nil: a range over it runs once per element, and every
// read and write of an element is kept (races), not its value. A
// fan-out over names, each goroutine storing its result at its own
// index, waited for before the results are read: clean.
package main

import (
	"fmt"
	"sync"
)

// weft:expect clean
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
	wg.Wait()
	for _, r := range results {
		fmt.Println(r)
	}
}
