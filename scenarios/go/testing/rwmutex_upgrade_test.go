// Goroutine pitfalls, bug 25, as a Go test: between RUnlock and Lock
// another goroutine loads the same key; load runs twice.
// same-as: ../../pitfalls/25-rwmutex-upgrade.ron
package gotests

import (
	"sync"
	"testing"
)

var cacheMu sync.RWMutex
var loads int

func load(key int) int {
	loads++
	return key * 10
}

func getOrLoad(data map[int]int, key int) int {
	cacheMu.RLock()
	v := data[key]
	if v != 0 {
		cacheMu.RUnlock()
		return v
	}
	cacheMu.RUnlock()
	cacheMu.Lock()
	loaded := load(key)
	data[key] = loaded
	cacheMu.Unlock()
	return loaded
}

// weft:expect Assert
func TestRWMutexUpgrade(t *testing.T) {
	loads = 0
	data := make(map[int]int)
	var wg sync.WaitGroup
	wg.Add(2)
	for i := 0; i < 2; i++ {
		go func() {
			defer wg.Done()
			getOrLoad(data, 7)
		}()
	}
	wg.Wait()
	if loads != 1 {
		t.Fatalf("load ran %d times for one key", loads)
	}
}
