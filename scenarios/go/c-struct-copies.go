// Construct: struct values copied. A copy made by an assignment, a call's
// argument or receiver, a result, a send, a goroutine's argument or `*p`
// is a new record: writing it leaves the original as it was, and writing
// the original leaves the copy. A closed channel of struct values gives
// the zero value. A deferred call's receiver and arguments are evaluated
// at the defer. Each panic fires if a copy shared its record.
package main

import "sync"

type point struct {
	x, y int
	name string
}

// A struct held by value inside another is copied with it.
type labelled struct {
	point
	label int
}

func (p point) sum() int { return p.x + p.y }

func (p *point) move(d int) { p.x += d }

func (p point) is(x int) {
	if p.x != x {
		panic("a deferred call's receiver was copied late")
	}
}

func want(n, x int) {
	if n != x {
		panic("a deferred call's argument was read late")
	}
}

func shift(p point, d int) point {
	p.x += d
	return p
}

func origin() point { return point{} }

// weft:expect clean
func main() {
	p := point{x: 1, y: 2}
	// Go evaluates a deferred call's receiver and arguments at the defer.
	defer p.is(1)
	defer want(p.x, 1)
	q := shift(p, 3)
	if p.x != 1 || q.x != 4 || q.sum() != 6 {
		panic("copy")
	}
	r := q
	r.move(1)
	if q.x != 4 || r.x != 5 {
		panic("alias")
	}
	q = r
	r.x = 0
	if q.x != 5 {
		panic("assign")
	}
	o := origin()
	var mu sync.Mutex
	var wg sync.WaitGroup
	cfg := point{x: 1}
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func(c point) {
			defer wg.Done()
			mu.Lock()
			c.x++
			o.y++
			mu.Unlock()
		}(cfg)
	}
	wg.Wait()
	if cfg.x != 1 || o.y != 2 {
		panic("shared")
	}
	ch := make(chan point, 1)
	ch <- cfg
	cfg.x = 7
	got := <-ch
	if got.x != 1 {
		panic("sent")
	}
	close(ch)
	z, ok := <-ch
	if ok || z.x != 0 {
		panic("zero from a closed channel")
	}
	select {
	case w := <-ch:
		if w.y != 0 {
			panic("zero from select")
		}
	}
	l := labelled{label: 1}
	l.x = 4
	lc := l
	lc.x = 5
	if l.x != 4 || lc.x != 5 || lc.label != 1 {
		panic("a copy shared the struct it holds by value")
	}
	pp := &p
	v := *pp
	v.x = 9
	*pp = q
	if p.x != 5 || v.x != 9 {
		panic("deref")
	}
}
