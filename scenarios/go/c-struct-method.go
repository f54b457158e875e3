// Construct not imported yet: methods on a struct holding a mutex (records
// are issue 14's); the import names the construct at its line.
package main

import "sync"

type Counter struct {
	mu sync.Mutex
	n  int
}

func (c *Counter) Inc() {
	c.mu.Lock()
	c.n++
	c.mu.Unlock()
}

// weft:expect clean
// weft:import-error cannot import a variable of type `Counter`
func main() {
	var c Counter
	c.Inc()
}
