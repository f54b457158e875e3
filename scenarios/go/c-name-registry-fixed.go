// The fix of c-name-registry.go: `send` checks that the name is still
// registered (the comma-ok lookup) before it reads the state.
//
// Construct: strings weft follows. A connection pool keeps its connections
// by name (`map[string]*conn`) and each connection's state as a string
// ("open", "closed"). `send` looks its connection up by the name it is
// given and trusts that it is there; `shutdown` closes every connection and
// empties the map. When `shutdown` runs first, `send("db")` reads the
// absent key: Go gives nil, and `c.state` dereferences it. weft follows the
// names and the states as strings, so the lookup keeps its entry and the
// state decides its branch, and it finds the panic with `shutdown` first
// (before strings were followed, the range over the string-keyed map was
// refused). The fix (c-name-registry-fixed.go) checks
// the comma-ok lookup and the state.
package main

import "sync"

type conn struct {
	name  string
	state string
}

type pool struct {
	mu    sync.Mutex
	conns map[string]*conn
}

func (p *pool) open(name string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.conns[name] = &conn{name: name, state: "open"}
}

func (p *pool) shutdown() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for name, c := range p.conns {
		c.state = "closed"
		delete(p.conns, name)
	}
}

func (p *pool) send(name string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	c, ok := p.conns[name]
	return ok && c.state == "open"
}

// weft:expect clean
func main() {
	p := &pool{conns: map[string]*conn{}}
	p.open("db")
	p.open("cache")
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		p.shutdown()
	}()
	p.send("db")
	wg.Wait()
}
