// Goroutine pitfalls, bug 21, fixed: Shutdown cancels the context first,
// waits for the producers, then closes s.jobs and waits for the workers;
// Submit selects on the shutdown context, so it never sends after that.
// same-as: ../pitfalls/21-shutdown-closes-jobs-first-fixed.ron
package main

import (
	"context"
	"errors"
	"sync"
)

type Job int

type Service struct {
	jobs      chan Job
	ctx       context.Context
	cancel    context.CancelFunc
	wg        sync.WaitGroup
	producers sync.WaitGroup
}

var errClosed = errors.New("closed")

func (s *Service) Shutdown() {
	s.cancel()
	s.producers.Wait()
	close(s.jobs)
	s.wg.Wait()
}

func (s *Service) Submit(j Job) error {
	select {
	case <-s.ctx.Done():
		return errClosed
	case s.jobs <- j:
		return nil
	}
}

func (s *Service) worker() {
	defer s.wg.Done()
	for {
		select {
		case _, ok := <-s.jobs:
			if !ok {
				return
			}
		case <-s.ctx.Done():
			return
		}
	}
}

// weft:expect clean
func main() {
	ctx, cancel := context.WithCancel(context.Background())
	s := &Service{jobs: make(chan Job), ctx: ctx, cancel: cancel}
	s.wg.Add(1)
	go s.worker()
	s.producers.Add(1)
	go func() {
		defer s.producers.Done()
		_ = s.Submit(1)
	}()
	s.Shutdown()
}
