// Tu et al., ASPLOS'19, Figure 7: goroutine1 sends while holding m;
// goroutine2 needs m before it receives: both block.
// same-as: ../study/figure7-mutex-chan.ron
package main

import "sync"

var m sync.Mutex

func goroutine1(ch chan int) {
	m.Lock()
	ch <- 1
	m.Unlock()
}

func goroutine2(ch chan int) {
	for {
		m.Lock()
		m.Unlock()
		request := <-ch
		_ = request
	}
}

// weft:expect Deadlock
func main() {
	ch := make(chan int)
	go goroutine2(ch)
	for {
		goroutine1(ch)
	}
}
