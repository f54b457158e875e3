// Construct: a map of pointers, the fix of c-watcher-registry.go:
// `cancel` closes the channel only when the comma-ok lookup found its
// watcher, so a watcher `closeAll` already closed and removed is not
// closed again, nor dereferenced as nil. Verified in every schedule.
package main

import "sync"

type watcher struct {
	ch chan int
}

type hub struct {
	mu       sync.Mutex
	watchers map[int]*watcher
	next     int
}

func (h *hub) watch() (int, *watcher) {
	h.mu.Lock()
	defer h.mu.Unlock()
	w := &watcher{ch: make(chan int, 1)}
	id := h.next
	h.next++
	h.watchers[id] = w
	return id, w
}

func (h *hub) cancel(id int) {
	h.mu.Lock()
	w, ok := h.watchers[id]
	delete(h.watchers, id)
	h.mu.Unlock()
	if ok {
		close(w.ch)
	}
}

func (h *hub) closeAll() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for id, w := range h.watchers {
		close(w.ch)
		delete(h.watchers, id)
	}
}

// weft:expect clean
func main() {
	h := &hub{watchers: make(map[int]*watcher)}
	id, w := h.watch()
	done := make(chan bool)
	go func() {
		for range w.ch {
		}
		done <- true
	}()
	go h.cancel(id)
	h.closeAll()
	<-done
}
