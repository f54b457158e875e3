// The hb-detector-miss kernel, fixed: b is updated under the lock too.
// same-as: ../study/hb-detector-miss-fixed.ron
package main

import "sync"

var (
	mu sync.Mutex
	a  int
	b  int
)

func goroutine1(wg *sync.WaitGroup) {
	defer wg.Done()
	mu.Lock()
	b += 1
	a += 1
	mu.Unlock()
}

func goroutine2(wg *sync.WaitGroup) {
	defer wg.Done()
	mu.Lock()
	a += 1
	b += 1
	mu.Unlock()
}

// weft:expect clean
func main() {
	var wg sync.WaitGroup
	wg.Add(2)
	go goroutine1(&wg)
	go goroutine2(&wg)
	wg.Wait()
}
