// A hub keeps its connections by name; send trusts that the name it is
// given is registered, and closeAll removes them all: send dereferences
// nil (Go: "invalid memory address or nil pointer dereference", at the
// first send when closeAll runs first, else at the second, on every run).
package main

import "sync"

type conn struct {
	name  string
	state string
}

type hub struct {
	mu    sync.Mutex
	conns map[string]*conn
}

func (h *hub) add(name string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.conns[name] = &conn{name: name, state: "open"}
}

func (h *hub) closeAll() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for name, c := range h.conns {
		c.state = "closed"
		delete(h.conns, name)
	}
}

func (h *hub) send(name string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	c := h.conns[name]
	return c.state == "open"
}

func main() {
	h := &hub{conns: map[string]*conn{}}
	h.add("a")
	h.add("b")
	done := make(chan bool)
	go func() {
		h.closeAll()
		done <- true
	}()
	h.send("b")
	<-done
	if h.send("a") {
		panic("a connection outlived closeAll")
	}
}
