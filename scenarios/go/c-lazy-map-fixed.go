// Construct: the fix of c-lazy-map.go: the map is made under the lock,
// so one worker makes it and the other finds it. Verified in every
// schedule.
package main

import "sync"

type tally struct {
	mu     sync.Mutex
	counts map[int]int
}

func (t *tally) add(code int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.counts == nil {
		t.counts = make(map[int]int)
	}
	t.counts[code]++
}

// weft:expect clean
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
