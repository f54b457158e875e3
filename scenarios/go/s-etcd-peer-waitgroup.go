// etcd's rafthttp peer (the study's Figure 9): send() starts a goroutine
// that calls p.wg.Add(1) itself. send holds p.mu, but the goroutine runs
// after send has returned and unlocked: stop() can take the lock, mark the
// peer stopped and call p.wg.Wait() before the Add. Wait returns at once
// while the post is still to run (the Add races with the Wait), and stop
// returns with a post in flight.
// same-as: ../study/etcd-peer-waitgroup.ron
package main

import (
	"errors"
	"math/rand"
	"sync"
	"sync/atomic"
)

const (
	participantPeer = 0
	idlePeer        = 1
	stoppedPeer     = 2
	maxInflight     = 4
)

var posting atomic.Int64 // posts in flight

type peer struct {
	mu     sync.Mutex
	wg     sync.WaitGroup
	status int
	queue  chan int
}

func (p *peer) post(d int) {
	posting.Add(1) // the message goes out over the network
	posting.Add(-1)
}

func (p *peer) send(d int) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch p.status {
	case participantPeer:
		select {
		case p.queue <- d:
		default:
			return errors.New("reach max serving")
		}
	case idlePeer:
		if rand.Intn(8) > maxInflight { // p.inflight.Get() > maxInflight
			return errors.New("reach max idle")
		}
		go func() {
			p.wg.Add(1)
			p.post(d)
			p.wg.Done()
		}()
	case stoppedPeer:
		return errors.New("sender stopped")
	}
	return nil
}

func (p *peer) stop() {
	p.mu.Lock()
	if p.status == participantPeer {
		close(p.queue)
	}
	p.status = stoppedPeer
	p.mu.Unlock()
	p.wg.Wait()
}

// weft:expect Race, Panic
func main() {
	p := &peer{status: rand.Intn(2), queue: make(chan int, 1)}
	go p.send(7)
	p.stop()
	if posting.Load() != 0 {
		panic("stop returned while a post is still in flight")
	}
}
