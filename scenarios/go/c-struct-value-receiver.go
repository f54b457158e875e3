// Construct: a method with a value receiver on a struct that holds a mutex:
// each call locks a copy, so the lock protects nothing (go vet's copylocks
// check). The import refuses the copy, as go vet does.
// go-vet: passes lock by value
package main

import "sync"

type Counter struct {
	mu sync.Mutex
	n  int
}

func (c Counter) Get() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

// weft:expect clean
// weft:import-error a value receiver copies a `Counter`, which holds a sync object
func main() {
	c := &Counter{}
	if c.Get() != 0 {
		panic("not zero")
	}
}
