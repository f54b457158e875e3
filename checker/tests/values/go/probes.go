// Value probes: what real Go does for the constructs of
// checker/tests/values.rs (records, slices, function values, pointers and
// their nil values). Run: sh run.sh (prints RESULTS.txt). Each probe
// prints one line; panics are recovered and printed as Go's message.
package main

import (
	"fmt"
	"os"
	"sync"
)

type Server struct {
	mu     sync.Mutex
	ch     chan int
	closed bool
	n      int
	wg     sync.WaitGroup
	next   *Server
	m      map[int]int
	handle func(int) int
	subs   map[int]chan int
}

type rec struct {
	id   int
	ok   bool
	name string
}

func try(name string, f func() string) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Printf("%s: panic: %v\n", name, r)
		}
	}()
	fmt.Printf("%s: %s\n", name, f())
}

func main() {
	try("nil-record-field", func() string {
		var s *Server
		return fmt.Sprint(s.n)
	})
	try("nil-next-field", func() string {
		s := &Server{}
		return fmt.Sprint(s.next.n)
	})
	try("index-out-of-range", func() string {
		mus := make([]sync.Mutex, 2)
		k := 5
		mus[k].Lock()
		return "locked"
	})
	try("nil-func-call", func() string {
		var f func(int)
		f(1)
		return "called"
	})
	try("nil-map-read", func() string {
		s := &Server{}
		return fmt.Sprint(s.m[3])
	})
	try("nil-map-write", func() string {
		s := &Server{}
		s.m[1] = 2
		return "written"
	})
	try("nil-map-delete", func() string {
		var m map[int]int
		delete(m, 1)
		return "deleted"
	})
	try("negative-make-len", func() string {
		n := -1
		_ = make([]int, n)
		return "made"
	})
	try("mutex-field-per-record", func() string {
		// Two records, two mutexes: locking one does not block the other.
		a, b := &Server{}, &Server{}
		a.mu.Lock()
		b.mu.Lock()
		return "both locked"
	})
	try("slice-of-channels", func() string {
		chans := make([]chan int, 3)
		for i := range chans {
			c := make(chan int)
			chans[i] = c
			go func(i int) { c <- i }(i)
		}
		sum := 0
		for i := 0; i < len(chans); i++ {
			sum += <-chans[i]
		}
		return fmt.Sprint(sum)
	})
	try("closure-captures", func() string {
		c := make(chan int)
		send := func(x int) { c <- x }
		go send(7)
		return fmt.Sprint(<-c)
	})
	try("method-value-as-handler", func() string {
		s := &Server{handle: func(x int) int { return x * 2 }}
		return fmt.Sprint(s.handle(21))
	})
	try("append-to-nil", func() string {
		var xs []int
		xs = append(xs, 1)
		xs = append(xs, 2)
		return fmt.Sprint(len(xs), xs[0], xs[1])
	})
	try("append-copies-channels", func() string {
		var chs []chan int
		for i := 0; i < 2; i++ {
			chs = append(chs, make(chan int, 1))
		}
		for i, c := range chs {
			c <- i
		}
		return fmt.Sprint(<-chs[1])
	})
	try("append-locked", func() string {
		var mu sync.Mutex
		var wg sync.WaitGroup
		var xs []int
		for i := 1; i <= 2; i++ {
			wg.Add(1)
			go func(v int) {
				defer wg.Done()
				mu.Lock()
				xs = append(xs, v)
				mu.Unlock()
			}(i)
		}
		wg.Wait()
		return fmt.Sprint(len(xs))
	})
	try("lookup-present-absent", func() string {
		m := map[int]int{1: 10}
		v, ok := m[1]
		w, ok2 := m[2]
		_, ok3 := m[1]
		return fmt.Sprint(v, ok, w, ok2, ok3)
	})
	try("lookup-nil-map", func() string {
		var m map[int]int
		v, ok := m[1]
		return fmt.Sprint(v, ok)
	})
	try("lookup-assigns", func() string {
		m := map[int]int{2: 5}
		v, ok := 9, true
		v, ok = m[3]
		if w, found := m[2]; found {
			return fmt.Sprint(v, ok, w)
		}
		return "not found"
	})
	try("typed-map-absent", func() string {
		peers := map[int]*Server{}
		seen := map[int]bool{}
		s := &Server{}
		c, ok := s.subs[1]
		peer := peers[1]
		return fmt.Sprint(peer == nil, seen[1], c == nil, ok)
	})
	try("typed-map-entries", func() string {
		subs := map[int]chan int{}
		for i := 0; i < 2; i++ {
			subs[i] = make(chan int, 1)
		}
		for _, c := range subs {
			c <- 1
		}
		n := 0
		for k := range subs {
			n += <-subs[k]
		}
		return fmt.Sprint(n, len(subs))
	})
	try("string-values", func() string {
		var zero string
		reg := map[string]*Server{}
		reg["a"] = &Server{n: 1}
		key := "a"
		state := "idle"
		state = "closed"
		_, missing := reg["b"]
		return fmt.Sprint(zero == "", reg[key].n, reg["b"] == nil, missing, state == "closed", state != "idle", len(reg))
	})
	try("slice-parts", func() string {
		xs := make([]int, 3)
		xs[1] = 5
		ys := xs[1:]
		ys[1] = 7
		items := xs
		items = items[1:]
		head := xs[:1]
		var nl []int
		return fmt.Sprint(xs[2], len(ys), ys[0], len(items), items[1], len(head), nl[0:0] == nil, nl[:] == nil, len(xs[3:]), xs[3:] == nil, xs[1:][1])
	})
	try("slice-capacity", func() string {
		xs := make([]int, 1, 3)
		a := append(xs, 1)
		b := append(xs, 2)
		ys := xs[:3]
		q := make([]int, 0, 2)
		q = append(q, 1)
		batch := q
		q = q[:0]
		q = append(q, 9)
		full := []int{1, 2}
		grown := append(full, 3)
		grown[0] = 5
		return fmt.Sprint(a[1], b[1], len(ys), ys[1], cap(xs[1:]), cap(a), len(a), batch[0], full[0], cap(xs[:0]))
	})
	try("append-growth", func() string {
		// The capacity after each growth, by element type.
		var ints []int
		var bytes []byte
		var int32s []int32
		var strs []string
		var empties []struct{}
		var bools []bool
		out := ""
		grow := func(name string, n int, app func(), c func() int) {
			last := -1
			out += name
			for k := 0; k < n; k++ {
				app()
				if c() != last {
					last = c()
					out += fmt.Sprint(" ", last)
				}
			}
			out += "; "
		}
		grow("int", 20, func() { ints = append(ints, 1) }, func() int { return cap(ints) })
		grow("byte", 20, func() { bytes = append(bytes, 1) }, func() int { return cap(bytes) })
		grow("int32", 20, func() { int32s = append(int32s, 1) }, func() int { return cap(int32s) })
		grow("string", 20, func() { strs = append(strs, "") }, func() int { return cap(strs) })
		grow("struct{}", 3, func() { empties = append(empties, struct{}{}) }, func() int { return cap(empties) })
		grow("bool", 9, func() { bools = append(bools, true) }, func() int { return cap(bools) })
		three := make([]int, 3)
		return out + fmt.Sprint(cap(append(three, 1)))
	})
	try("append-aliasing", func() string {
		// Two appends to one grown slice write the same spare cell.
		var a []int
		a = append(a, 1)
		a = append(a, 2)
		a = append(a, 3)
		b := append(a, 4)
		c := append(a, 5)
		var s []string
		s = append(s, "x")
		t := append(s, "y")
		u := append(s, "z")
		return fmt.Sprintf("%d %d %d %s %s %d", cap(a), b[3], c[3], t[1], u[1], cap(s))
	})
	try("append-many", func() string {
		// Several values, and a slice's elements (`...`): one growth for
		// all of them, or all in place when they fit.
		a := make([]int, 2)
		b := append(a, 1, 2, 3)
		c := make([]int, 1, 4)
		d := append(c, 7, 8)
		e := append(c, 9)
		f := append(c[:1], c[:3]...)
		var g []int
		g = append(g, d...)
		var h []int
		none := []int{}
		h = append(h, none...)
		return fmt.Sprint(cap(b), len(b), b[4], d, e, f, cap(f), cap(g), g, h == nil)
	})
	try("append-records", func() string {
		// Struct values are copied in, field by field; a record holds an
		// int, a bool and a string (32 bytes with pointers).
		var rs []rec
		rs = append(rs, rec{1, true, "a"})
		rs = append(rs, rec{2, false, "b"}, rec{3, true, "c"})
		r := rec{4, true, "d"}
		more := append(rs, r)
		more[0].id = 9
		r.id = 7
		again := append(more[:4], rec{5, false, "e"})
		var flags []struct{ on bool }
		flags = append(flags, struct{ on bool }{})
		return fmt.Sprint(len(rs), cap(rs), rs[0].id, cap(more), more[3].id, more[:5][4].id, again[4].name, cap(flags))
	})
	try("make-cap-below-len", func() string {
		l, c := 3, 2
		return fmt.Sprint(make([]int, l, c))
	})
	n, m, neg := 4, 1, -1
	try("slice-part-beyond", func() string { return fmt.Sprint(make([]int, 3)[:n]) })
	try("slice-part-crossed", func() string { return fmt.Sprint(make([]int, 3)[2:m]) })
	try("slice-part-past-the-end", func() string { return fmt.Sprint(make([]int, 3)[n:]) })
	try("slice-part-negative", func() string { return fmt.Sprint(make([]int, 3)[neg:2]) })
	try("named-results-recover", func() string {
		n1, err1 := work(1)
		n2, err2 := work(2)
		return fmt.Sprint(n1, err1 == nil, n2, err2 != nil)
	})
	try("named-literal-results", func() string {
		f := func(i int) (err error) {
			defer func() {
				if r := recover(); r != nil {
					err = fmt.Errorf("recovered: %v", r)
				}
			}()
			if i == 2 {
				panic("boom")
			}
			return
		}
		g := func() (n int) {
			defer func() { n++ }()
			return 5
		}
		return fmt.Sprint(f(1) == nil, f(2) != nil, g())
	})
	try("named-results-defer-sets", func() string {
		a, b := two()
		return fmt.Sprint(a, b)
	})
	try("unnamed-results-recover", func() string {
		v := unnamed(2)
		w, err := unnamedPair()
		return fmt.Sprint(v, w, err == nil)
	})
	if len(os.Args) > 1 && (os.Args[1] == "race-lookup" || os.Args[1] == "race-lookup-locked") {
		// A lookup concurrent with an unlocked write; the locked fix.
		locked := os.Args[1] == "race-lookup-locked"
		var mu sync.Mutex
		m := map[int]int{}
		done := make(chan bool)
		go func() {
			if locked {
				mu.Lock()
				defer mu.Unlock()
			}
			m[1] = 1
			done <- true
		}()
		if locked {
			mu.Lock()
		}
		_, ok := m[1]
		if locked {
			mu.Unlock()
		}
		<-done
		_ = ok
	}
	if len(os.Args) > 1 && os.Args[1] == "race-slice-part" {
		// A part shares the elements: a write through it races with a
		// read through the whole.
		xs := make([]int, 3)
		done := make(chan bool)
		go func() { ys := xs[1:]; ys[0] = 1; done <- true }()
		_ = xs[1]
		<-done
	}
	if len(os.Args) > 1 && os.Args[1] == "race-append-spare" {
		// Two appends to one slice with spare capacity write the same
		// cell of its backing array.
		base := make([]int, 0, 4)
		done := make(chan bool)
		go func() { _ = append(base, 1); done <- true }()
		_ = append(base, 2)
		<-done
	}
	if len(os.Args) > 1 && os.Args[1] == "race-append-grown" {
		// A slice grown to three elements has room for a fourth: two
		// appends to it write the same cell.
		var base []int
		for i := 0; i < 3; i++ {
			base = append(base, i)
		}
		done := make(chan bool)
		go func() { _ = append(base, 1); done <- true }()
		_ = append(base, 2)
		<-done
	}
	if len(os.Args) > 1 && os.Args[1] == "race-append-many" {
		// An append of two values in place writes two cells: the second
		// races with a read of it.
		base := make([]int, 0, 4)
		done := make(chan bool)
		go func() { full := base[:2]; _ = full[1]; done <- true }()
		_ = append(base, 1, 2)
		<-done
	}
	if len(os.Args) > 1 && os.Args[1] == "race-append-copy" {
		// An append that grows a slice reads the elements it copies: a
		// race with a write of one.
		xs := make([]int, 2)
		done := make(chan bool)
		go func() { xs[0] = 1; done <- true }()
		ys := append(xs, 3)
		<-done
		_ = ys
	}
	if len(os.Args) > 1 && os.Args[1] == "race-append-spread" {
		// So does an append of a slice's elements, of those it copies.
		xs := make([]int, 2)
		done := make(chan bool)
		go func() { xs[1] = 1; done <- true }()
		zs := make([]int, 0, 4)
		zs = append(zs, xs...)
		<-done
		_ = zs
	}
	if len(os.Args) > 1 && os.Args[1] == "race-append-records" {
		// Two appends of records into one spare capacity write the same
		// fields.
		base := make([]rec, 0, 2)
		done := make(chan bool)
		go func() { _ = append(base, rec{id: 1}); done <- true }()
		_ = append(base, rec{id: 2})
		<-done
	}
	if len(os.Args) > 1 && os.Args[1] == "race-append" {
		var wg sync.WaitGroup
		var xs []int
		for i := 1; i <= 2; i++ {
			wg.Add(1)
			go func(v int) { defer wg.Done(); xs = append(xs, v) }(i)
		}
		wg.Wait()
	}
	if len(os.Args) > 1 && os.Args[1] == "nil-chan-field" {
		// Blocks forever: Go's runtime reports the deadlock.
		s := &Server{}
		<-s.ch
	}
	if len(os.Args) > 1 && os.Args[1] == "absent-chan-send" {
		// The channel of an absent key is nil: the send blocks forever.
		subs := map[int]chan int{}
		subs[5] <- 1
	}
	if len(os.Args) > 1 && os.Args[1] == "race-same-field" {
		s := &Server{}
		done := make(chan bool)
		go func() { s.n = 1; done <- true }()
		s.n = 2
		<-done
	}
	if len(os.Args) > 1 && os.Args[1] == "race-different-fields" {
		s := &Server{}
		done := make(chan bool)
		go func() { s.n = 1; done <- true }()
		s.closed = true
		<-done
	}
}

// work's named results are what its deferred recover leaves.
func work(i int) (n int, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("recovered: %v", r)
		}
	}()
	n = i * 10
	if i == 2 {
		panic("boom")
	}
	return
}

// two's deferred call sees the results its return set, and changes one.
func two() (a, b int) {
	defer func() { a = a + 1 }()
	return 5, 6
}

// unnamed results of a recovered panic are their zero values.
func unnamed(i int) int {
	defer func() { recover() }()
	if i == 2 {
		panic("boom")
	}
	return i
}

func unnamedPair() (int, error) {
	defer func() { recover() }()
	panic("boom")
}
