// Construct: select with default as a non-blocking send; a drop counter
// guarded by a mutex is read unguarded by main (a race).
package main

import "sync"

var mu sync.Mutex
var dropped int

func publish(ch chan int, v int, wg *sync.WaitGroup) {
	defer wg.Done()
	select {
	case ch <- v:
	default:
		mu.Lock()
		dropped++
		mu.Unlock()
	}
}

// weft:expect Race
func main() {
	ch := make(chan int, 1)
	var wg sync.WaitGroup
	wg.Add(2)
	go publish(ch, 1, &wg)
	go publish(ch, 2, &wg)
	if dropped > 0 {
		return
	}
	wg.Wait()
}
