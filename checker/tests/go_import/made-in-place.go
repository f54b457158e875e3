// Objects made where they are stored: in a struct literal's fields, and
// a slice in a variable goroutines share. The import makes each in a
// temporary (`make_1`, `base_made1`); the report names them as the code
// does (`s.done`, `s.data[0]`, `base[1]`).
package main

import "sync"

type server struct {
	reqs chan int
	done chan struct{}
	data []int
}

func main() {
	base := make([]int, 3)
	s := &server{reqs: make(chan int), done: make(chan struct{}), data: make([]int, 2)}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		base[1] = 1
		s.data[0] = 5
	}()
	base = append(base, 2)
	s.data[0] = 6
	wg.Wait()
	go func() {
		s.reqs <- 1
	}()
	<-s.done
}
