// Construct: RWMutex with concurrent readers and one writer, TryLock.
package main

import "sync"

var mu sync.RWMutex
var value int

func reader(wg *sync.WaitGroup) {
	defer wg.Done()
	mu.RLock()
	v := value
	_ = v
	mu.RUnlock()
}

// weft:expect clean
func main() {
	var wg sync.WaitGroup
	wg.Add(2)
	go reader(&wg)
	go reader(&wg)
	if mu.TryLock() {
		value = 1
		mu.Unlock()
	} else {
		mu.Lock()
		value = 2
		mu.Unlock()
	}
	wg.Wait()
}
