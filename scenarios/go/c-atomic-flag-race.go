// Construct: `atomic.Bool` (and the methods of atomic fields inside
// expressions). A server's workers poll a stop flag between requests and
// count what they served in an `atomic.Int64`; main stops them and waits.
// This is the race version: the flag is a plain bool field, the classic
// stop flag without synchronisation.
package main

import (
	"sync"
	"sync/atomic"
)

type server struct {
	stopped bool
	served  atomic.Int64
}

func (s *server) work(wg *sync.WaitGroup) {
	defer wg.Done()
	for i := 0; i < 3; i++ {
		if s.stopped {
			return
		}
		s.served.Add(1)
	}
}

// weft:expect Race
func main() {
	s := &server{}
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go s.work(&wg)
	}
	s.stopped = true
	wg.Wait()
	if s.served.Load() > 6 {
		panic("served more than asked")
	}
}
