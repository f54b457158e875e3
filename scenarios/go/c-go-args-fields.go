// Construct: a goroutine's arguments are evaluated by the `go` statement,
// fields included. A worker is started with the connection's current
// channel and lock (`s.ch`, `&s.mu`); main then swaps in a new channel
// under the lock, as a reconnect does. The worker still sends on the
// channel it was given, which main drains: no deadlock and no race (the
// import reads `s.ch` before the goroutine starts, into a temporary, as
// Go does; read where the worker uses it, it would be nil by then).
package main

import "sync"

type conn struct {
	mu sync.Mutex
	ch chan int
}

// weft:expect clean
func main() {
	s := &conn{ch: make(chan int, 1)}
	old := s.ch
	var wg sync.WaitGroup
	wg.Add(1)
	go func(c chan int, m *sync.Mutex) {
		defer wg.Done()
		m.Lock()
		c <- 1
		m.Unlock()
	}(s.ch, &s.mu)
	s.mu.Lock()
	s.ch = nil
	s.mu.Unlock()
	wg.Wait()
	if <-old != 1 {
		panic("the worker sent elsewhere")
	}
}
