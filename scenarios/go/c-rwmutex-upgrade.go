// Construct: RWMutex. A reader that takes the write lock while it still
// holds the read lock blocks forever (recursive read-then-write locking).
package main

import "sync"

var mu sync.RWMutex
var cache int

// weft:expect Deadlock
func main() {
	mu.RLock()
	if cache == 0 {
		mu.Lock()
		cache = 1
		mu.Unlock()
	}
	mu.RUnlock()
}
