// Goroutine pitfalls, bug 21: Shutdown closes s.jobs first; a Submit still
// in flight sends on the closed channel: panic: send on closed channel.
// same-as: ../pitfalls/21-shutdown-closes-jobs-first.ron
package main

import (
	"context"
	"sync"
)

type Job int

type Service struct {
	jobs   chan Job
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

func (s *Service) Shutdown() {
	close(s.jobs)
	s.cancel()
	s.wg.Wait()
}

func (s *Service) Submit(j Job) {
	s.jobs <- j
}

func (s *Service) worker(ctx context.Context) {
	defer s.wg.Done()
	for {
		select {
		case _, ok := <-s.jobs:
			if !ok {
				return
			}
		case <-ctx.Done():
			return
		}
	}
}

// weft:expect Race, Panic
func main() {
	ctx, cancel := context.WithCancel(context.Background())
	s := &Service{jobs: make(chan Job), cancel: cancel}
	s.wg.Add(1)
	go s.worker(ctx)
	go s.Submit(1)
	s.Shutdown()
}
