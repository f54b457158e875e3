// Construct: a context and its cancel function held in fields. A server
// keeps its run context in fields (`s.ctx, s.cancel =
// context.WithCancel(...)`); a handler takes the context it runs under
// (`ctx := s.ctx`, read once, as Go does) and waits for its end; a restart
// cancels the old context and installs a new one, under the lock. The
// handler waits on the context it took, which the restart cancelled, so
// it ends. (Read again from the field, it would wait on the new context
// for ever.)
package main

import (
	"context"
	"sync"
)

type server struct {
	mu     sync.Mutex
	ctx    context.Context
	cancel context.CancelFunc
}

func (s *server) restart() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cancel()
	s.ctx, s.cancel = context.WithCancel(context.Background())
}

// weft:expect clean
func main() {
	s := &server{}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.mu.Lock()
	ctx := s.ctx
	s.mu.Unlock()
	done := make(chan struct{})
	go func() {
		<-ctx.Done()
		close(done)
	}()
	s.restart()
	<-done
	s.mu.Lock()
	s.cancel()
	s.mu.Unlock()
}
