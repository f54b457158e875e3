// Construct: fields and methods promoted from embedded structs, and the
// result of a call through a function value (the fix of
// c-embedded-race.go). `Handler` embeds `Server`, which embeds `*Stats`,
// which embeds `sync.Mutex`: `h.Hit()` is `h.Server.Stats.Hit()`, `h.hits`
// is `h.Server.Stats.hits` and `h.Lock()` locks the mutex inside `Stats`.
// `read` is a function value whose result weft follows; it takes the lock,
// and the goroutine's hit is waited for before the count is checked.
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

// weft:expect clean
func main() {
	h := &Handler{}
	h.Stats = &Stats{}
	done := make(chan bool)
	go func() {
		h.Hit()
		done <- true
	}()
	read := func(s *Stats) int {
		s.Lock()
		defer s.Unlock()
		return s.hits
	}
	<-done
	h.Hit()
	n := read(h.Stats)
	h.Lock()
	if n != h.hits || n != 2 {
		panic("lost a hit")
	}
	h.Unlock()
}
