// Figure 7, fixed: the send under the lock does not block (select/default);
// main stops after three requests and shuts goroutine2 down.
// same-as: ../study/figure7-mutex-chan-fixed.ron
package main

import "sync"

var m sync.Mutex

func goroutine1(ch chan int) {
	m.Lock()
	select {
	case ch <- 1:
	default:
	}
	m.Unlock()
}

func goroutine2(ch chan int, done chan bool) {
	for {
		m.Lock()
		m.Unlock()
		request, ok := <-ch
		if !ok {
			close(done)
			return
		}
		_ = request
	}
}

// weft:expect clean
func main() {
	ch := make(chan int)
	done := make(chan bool)
	go goroutine2(ch, done)
	for i := 0; i < 3; i++ {
		goroutine1(ch)
	}
	close(ch)
	<-done
}
