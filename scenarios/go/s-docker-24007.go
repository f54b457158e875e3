// moby#24007: check-then-close through select/default; two goroutines can
// both find the channel open and both close it.
// same-as: ../study/docker-24007.ron
package main

import "sync"

func closeConn(closed chan int, wg *sync.WaitGroup) {
	defer wg.Done()
	select {
	case <-closed:
	default:
		close(closed)
	}
}

// weft:expect Panic
func main() {
	closed := make(chan int)
	var wg sync.WaitGroup
	wg.Add(2)
	go closeConn(closed, &wg)
	go closeConn(closed, &wg)
	wg.Wait()
}
