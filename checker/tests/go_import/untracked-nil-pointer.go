// A hub keyed by names built at run time: weft does not follow the keys,
// so `c := h.conns[name]` is a pointer it does not follow. When remove
// runs first, Go gives nil and `c.state = "closed"` dereferences it; the
// access is a noted choice of that panic (dropped, as it was, the program
// was verified).
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

func (h *hub) close(name string) {
	h.mu.Lock()
	c := h.conns[name]
	h.mu.Unlock()
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
