// The fix of c-buffer-reuse.go: `flush` gives the buffer a new array
// (`make([]int, 0, 4)`), so the batch it hands out is the flusher's alone.
//
// Construct: slice parts and capacity. A batcher buffers log lines in a
// slice made with room for four; `flush` hands the buffer out and keeps
// its memory for the next batch with `b.buf = b.buf[:0]`, so that the
// write-out, after the lock is released, does not hold it. But the batch
// and the emptied buffer share one backing array: the next `add` appends
// into the cell the flusher is reading, a race Go's race detector reports
// in some runs (not in all: only when `add` comes between the flush and
// the read). weft follows the part and the capacity: `append` writes the
// spare cell in place, and the race is found. The fix
// (c-buffer-reuse-fixed.go) gives the buffer a new array on each flush.
package main

import "sync"

type batcher struct {
	mu  sync.Mutex
	buf []int
}

func (b *batcher) add(line int) {
	b.mu.Lock()
	b.buf = append(b.buf, line)
	b.mu.Unlock()
}

// flush takes the buffered lines; the buffer starts a new array.
func (b *batcher) flush() []int {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := b.buf
	b.buf = make([]int, 0, 4)
	return out
}

// weft:expect clean
func main() {
	b := &batcher{buf: make([]int, 0, 4)}
	b.add(1)
	done := make(chan bool)
	go func() {
		b.add(2)
		done <- true
	}()
	written := 0
	for _, line := range b.flush() {
		written += line
	}
	<-done
	_ = written
}

