// Construct: struct values. Go copies a struct value where it is assigned,
// passed, returned or sent; the import makes each copy a new record whose
// fields are read from the original (a literal, a call's result and a
// received value are handed over as they are). Workers send `result`
// values on a channel; a collector records them in a tracker under its
// lock; main takes snapshots (`stats` values) through a method that copies
// under the lock. The race version (c-struct-values-race.go) copies the
// tracker's stats without the lock.
package main

import "sync"

type result struct {
	id int
	ok bool
}

type stats struct {
	done   int
	failed int
}

type tracker struct {
	mu sync.Mutex
	s  stats
}

func (t *tracker) record(r result) {
	t.mu.Lock()
	if r.ok {
		t.s.done++
	} else {
		t.s.failed++
	}
	t.mu.Unlock()
}

func (t *tracker) snapshot() stats {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.s
}

func (s stats) total() int { return s.done + s.failed }

func worker(id int, out chan<- result) {
	out <- result{id: id, ok: id%2 == 0}
}

// weft:expect clean
func main() {
	t := &tracker{}
	out := make(chan result)
	for i := 0; i < 3; i++ {
		go worker(i, out)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < 3; i++ {
			t.record(<-out)
		}
	}()
	mid := t.snapshot()
	wg.Wait()
	final := t.snapshot()
	if final.done != 2 || final.failed != 1 || mid.total() > final.total() {
		panic("a result was lost")
	}
}
