// moby#24007, fixed: sync.Once closes the channel exactly once.
// same-as: ../study/docker-24007-fixed.ron
package main

import "sync"

var once sync.Once

func closeConn(closed chan int, wg *sync.WaitGroup) {
	defer wg.Done()
	once.Do(func() {
		close(closed)
	})
}

// weft:expect clean
func main() {
	closed := make(chan int)
	var wg sync.WaitGroup
	wg.Add(2)
	go closeConn(closed, &wg)
	go closeConn(closed, &wg)
	wg.Wait()
}
