// Construct: a map with string keys. A registry of sessions by name,
// filled by one goroutine per client and read by a monitor, with nothing
// ordering the writes: Go's runtime stops with `concurrent map writes`
// (or `concurrent map read and map write`), and -race reports the race.
// weft does not follow string keys, but it keeps every access of the map:
// the race is found; what the map holds is data it does not track.
package main

import "sync"

type Registry struct {
	mu       sync.Mutex
	sessions map[string]int
}

func (r *Registry) open(name string, id int) {
	r.sessions[name] = id
}

func (r *Registry) lookup(name string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.sessions[name]
}

func client(r *Registry, wg *sync.WaitGroup, name string, id int) {
	defer wg.Done()
	r.open(name, id)
}

// weft:expect Race
func main() {
	r := &Registry{sessions: make(map[string]int)}
	var wg sync.WaitGroup
	wg.Add(2)
	go client(r, &wg, "alice", 1)
	go client(r, &wg, "bob", 2)
	_ = r.lookup("alice")
	wg.Wait()
}
