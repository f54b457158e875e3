// Construct: a call weft does not know (os.Getenv) needs --allow-abstract;
// without it the import names the call and its position.
package main

import (
	"os"
	"sync"
)

var mu sync.Mutex
var hits int

// weft:expect clean
// weft:import-error cannot import the call `os.Getenv(...)`
func main() {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		mu.Lock()
		hits++
		mu.Unlock()
	}()
	if os.Getenv("VERBOSE") != "" {
		mu.Lock()
		hits++
		mu.Unlock()
	}
	wg.Wait()
}
