// Construct: a map with string keys, locked. The registry of
// c-map-string-keys-race.go with every access under its mutex: clean.
// weft keeps each access of the map (the lookup, the write, the delete)
// as an access of the map, without following its string keys.
package main

import "sync"

type Registry struct {
	mu       sync.Mutex
	sessions map[string]int
}

func (r *Registry) open(name string, id int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.sessions[name]; ok {
		return
	}
	r.sessions[name] = id
}

func (r *Registry) close(name string) {
	r.mu.Lock()
	delete(r.sessions, name)
	r.mu.Unlock()
}

func (r *Registry) lookup(name string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.sessions[name]
}

func client(r *Registry, wg *sync.WaitGroup, name string, id int) {
	defer wg.Done()
	r.open(name, id)
	r.close(name)
}

// weft:expect clean
func main() {
	r := &Registry{sessions: make(map[string]int)}
	var wg sync.WaitGroup
	wg.Add(2)
	go client(r, &wg, "alice", 1)
	go client(r, &wg, "bob", 2)
	_ = r.lookup("alice")
	wg.Wait()
}
