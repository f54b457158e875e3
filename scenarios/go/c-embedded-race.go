// Construct: fields and methods promoted from embedded structs, and the
// result of a call through a function value. `Handler` embeds `Server`,
// which embeds `*Stats`, which embeds `sync.Mutex`: `h.Hit()` is
// `h.Server.Stats.Hit()`, `h.hits` is `h.Server.Stats.hits` and `h.Lock()`
// locks the mutex inside `Stats`. `read` is a function value whose result
// weft follows. The bug: `read` reads `hits` without the lock while a
// goroutine increments it under the lock, a data race (and the value read
// may be 0, so the check after it fails). c-embedded.go locks first.
package main

import "sync"

type Stats struct {
	sync.Mutex
	hits int
}

func (s *Stats) Hit() {
	s.Lock()
	s.hits++
	s.Unlock()
}

type Server struct {
	*Stats
	name string
}

type Handler struct {
	Server
	routes int
}

// weft:expect Race, Panic
func main() {
	h := &Handler{}
	h.Stats = &Stats{}
	done := make(chan bool)
	go func() {
		h.Hit()
		done <- true
	}()
	read := func(s *Stats) int {
		return s.hits
	}
	n := read(h.Stats)
	<-done
	h.Hit()
	if n+1 > h.hits {
		panic("hits went down")
	}
	if n == 0 {
		panic("read before the first hit")
	}
}
