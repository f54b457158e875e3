// Goroutine pitfalls, bug 25, fixed: check again under the write lock.
// same-as: ../../pitfalls/25-rwmutex-upgrade-fixed.ron
package gotests

import (
	"sync"
	"testing"
)

var cacheMu2 sync.RWMutex
var loads2 int

func load2(key int) int {
	loads2++
	return key * 10
}

func getOrLoad2(data map[int]int, key int) int {
	cacheMu2.RLock()
	v := data[key]
	cacheMu2.RUnlock()
	if v != 0 {
		return v
	}
	cacheMu2.Lock()
	defer cacheMu2.Unlock()
	again := data[key]
	if again != 0 {
		return again
	}
	loaded := load2(key)
	data[key] = loaded
	return loaded
}

// weft:expect clean
func TestRWMutexRecheck(t *testing.T) {
	loads2 = 0
	data := make(map[int]int)
	var wg sync.WaitGroup
	wg.Add(2)
	for i := 0; i < 2; i++ {
		go func() {
			defer wg.Done()
			getOrLoad2(data, 7)
		}()
	}
	wg.Wait()
	if loads2 != 1 {
		t.Fatalf("load ran %d times for one key", loads2)
	}
}
