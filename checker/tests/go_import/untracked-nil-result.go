// The hub of untracked-nil-pointer.go with the lookup behind two
// functions: `get` returns `h.conns[name]`, a pointer weft does not follow
// (the name is built at run time), and `lookup` returns what `get` gave.
// When remove runs first, Go gives nil and `c.state = "closed"` in `close`
// dereferences it (9 of 200 runs with -race). Both results are found to
// be pointers that may be nil (one more pass each), so the access is a
// noted choice of the panic; before, the program was verified.
package main

import (
	"fmt"
	"sync"
)

type conn struct {
	state string
}

type hub struct {
	mu    sync.Mutex
	conns map[string]*conn
}

func (h *hub) add(name string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.conns[name] = &conn{state: "open"}
}

func (h *hub) remove(name string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.conns, name)
}

func (h *hub) get(name string) *conn {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.conns[name]
}

func (h *hub) lookup(name string) *conn {
	c := h.get(name)
	return c
}

func (h *hub) close(name string) {
	c := h.lookup(name)
	c.state = "closed"
}

func main() {
	h := &hub{conns: map[string]*conn{}}
	name := fmt.Sprint("conn-", 1)
	h.add(name)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		h.remove(name)
	}()
	h.close(name)
	wg.Wait()
}
