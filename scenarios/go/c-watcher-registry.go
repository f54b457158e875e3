// Construct: a map of pointers (`map[int]*watcher`), the registry of
// watchers of etcd's and Kubernetes' watch hubs. `cancel` takes its
// watcher out of the map under the lock and closes its channel; `closeAll`
// closes every watcher's channel and empties the map. When `closeAll` runs
// first, `cancel` reads the absent key: Go gives nil, the zero value of
// `*watcher`, and `close(w.ch)` dereferences it. weft follows the map's
// values and their zero value, so it finds the panic and the schedule
// (`closeAll` whole, then `cancel`). The fix
// (c-watcher-registry-fixed.go) closes only a watcher the comma-ok lookup
// found.
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
	w := h.watchers[id]
	delete(h.watchers, id)
	h.mu.Unlock()
	close(w.ch)
}

func (h *hub) closeAll() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for id, w := range h.watchers {
		close(w.ch)
		delete(h.watchers, id)
	}
}

// weft:expect Panic
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
