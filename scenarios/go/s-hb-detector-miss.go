// Tu et al., ASPLOS'19: a race a happens-before detector misses in the
// interleaving where goroutine1's critical section runs first.
// same-as: ../study/hb-detector-miss.ron
package main

import "sync"

var (
	mu sync.Mutex
	a  int
	b  int
)

func goroutine1(wg *sync.WaitGroup) {
	defer wg.Done()
	b += 1
	mu.Lock()
	a += 1
	mu.Unlock()
}

func goroutine2(wg *sync.WaitGroup) {
	defer wg.Done()
	mu.Lock()
	a += 1
	mu.Unlock()
	b += 1
}

// weft:expect Race
func main() {
	var wg sync.WaitGroup
	wg.Add(2)
	go goroutine1(&wg)
	go goroutine2(&wg)
	wg.Wait()
}
