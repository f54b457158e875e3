// Construct: a map made lazily, on first use (`if t.counts == nil {
// t.counts = make(map[int]int) }`), a common way to give a struct's zero
// value a usable map. Here the check runs before the lock: two workers
// both see nil, both make a map, and the second replaces the first with
// the first worker's count in it. Go's race detector reports the field's
// race; weft finds it and the lost count (main's check panics), with the
// schedule. An entry read from a nil map is 0 and a write to one panics,
// as in Go. The fix (c-lazy-map-fixed.go) makes the map under the lock.
package main

import "sync"

type tally struct {
	mu     sync.Mutex
	counts map[int]int
}

func (t *tally) add(code int) {
	if t.counts == nil {
		t.counts = make(map[int]int)
	}
	t.mu.Lock()
	t.counts[code]++
	t.mu.Unlock()
}

// weft:expect Race, Panic
func main() {
	var t tally
	if t.counts[200] != 0 {
		panic("a nil map holds nothing")
	}
	var wg sync.WaitGroup
	for _, code := range []int{200, 404} {
		wg.Add(1)
		go func(code int) {
			defer wg.Done()
			t.add(code)
		}(code)
	}
	wg.Wait()
	if len(t.counts) != 2 {
		panic("a count was lost")
	}
}
