// Construct: a struct literal `&Server{...}` with a channel, an embedded
// mutex (`s.Lock()`), a WaitGroup field, a pointer field assigned later
// and a method started as a goroutine (`go s.serve()`).
package main

import "sync"

type Server struct {
	sync.Mutex
	wg      sync.WaitGroup
	jobs    chan int
	handled int
	peer    *Server
}

func (s *Server) serve() {
	defer s.wg.Done()
	for j := range s.jobs {
		s.Lock()
		s.handled += j
		s.Unlock()
	}
}

// weft:expect clean
func main() {
	jobs := make(chan int)
	s := &Server{jobs: jobs}
	s.peer = s
	s.wg.Add(2)
	go s.serve()
	go s.peer.serve()
	for i := 1; i <= 2; i++ {
		jobs <- i
	}
	close(jobs)
	s.wg.Wait()
	s.Lock()
	defer s.Unlock()
	if s.handled != 3 {
		panic("lost a job")
	}
}
