// Library probes: what real Go does for each case of the library tests in
// checker/tests/library.rs (errgroup, context.WithValue). Each probe runs
// `runs` times and prints how often each outcome happened. "blocked" means
// the call had not returned 200ms later: the goroutine is blocked for ever
// (weft reports it as a deadlock or leak).
package main

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"weftlib/errgroup"
)

const runs = 1000

type counts map[string]int

func (c counts) String() string {
	keys := make([]string, 0, len(c))
	for k := range c {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s=%d", k, c[k]))
	}
	return strings.Join(parts, " ")
}

func repeat(n int, f func() string) counts {
	c := counts{}
	for i := 0; i < n; i++ {
		c[f()]++
	}
	return c
}

// within runs f and reports its result, or "blocked" when it has not
// returned after 200ms.
func within(f func() string) string {
	done := make(chan string, 1)
	go func() { done <- f() }()
	select {
	case r := <-done:
		return r
	case <-time.After(200 * time.Millisecond):
		return "blocked"
	}
}

func errText(err error) string {
	if err == nil {
		return "nil"
	}
	return err.Error()
}

var probes = []struct {
	name string
	n    int
	f    func() string
}{
	// errgroup_sibling_blocked_on_send_is_a_deadlock
	{"sibling-blocked-on-send", 20, func() string {
		return within(func() string {
			g, _ := errgroup.WithContext(context.Background())
			ch := make(chan int)
			g.Go(func() error { ch <- 1; return nil })
			g.Go(func() error { return errors.New("boom") })
			return "wait=" + errText(g.Wait())
		})
	}},
	// errgroup_sibling_selecting_on_ctx_done_is_clean
	{"sibling-selects-ctx-done", runs, func() string {
		return within(func() string {
			g, ctx := errgroup.WithContext(context.Background())
			ch := make(chan int)
			g.Go(func() error {
				select {
				case ch <- 1:
					return nil
				case <-ctx.Done():
					return ctx.Err()
				}
			})
			g.Go(func() error { return errors.New("boom") })
			return "wait=" + errText(g.Wait())
		})
	}},
	// errgroup_wait_returns_the_first_error
	{"first-error", runs, func() string {
		var g errgroup.Group
		g.Go(func() error { return errors.New("a") })
		g.Go(func() error { return errors.New("b") })
		return "wait=" + errText(g.Wait())
	}},
	// errgroup_wait_cancels_the_context
	{"wait-cancels-ctx", runs, func() string {
		g, ctx := errgroup.WithContext(context.Background())
		g.Go(func() error { return nil })
		before := errText(ctx.Err())
		_ = g.Wait()
		return "before-wait-ctx-err=" + before + " after=" + errText(ctx.Err())
	}},
	// errgroup_first_error_cancels_the_context
	{"error-cancels-ctx", runs, func() string {
		return within(func() string {
			g, ctx := errgroup.WithContext(context.Background())
			g.Go(func() error { <-ctx.Done(); return nil })
			g.Go(func() error { return errors.New("boom") })
			return "wait=" + errText(g.Wait())
		})
	}},
	// errgroup_zero_group_does_not_cancel
	{"zero-group-no-error-waits", 20, func() string {
		return within(func() string {
			var g errgroup.Group
			ch := make(chan int)
			g.Go(func() error { <-ch; return nil })
			return "wait=" + errText(g.Wait())
		})
	}},
	// errgroup_set_limit_blocks_go
	{"limit-1-blocks-go", 20, func() string {
		return within(func() string {
			var g errgroup.Group
			g.SetLimit(1)
			ch := make(chan int)
			g.Go(func() error { <-ch; return nil })
			g.Go(func() error { ch <- 1; return nil })
			return "wait=" + errText(g.Wait())
		})
	}},
	// errgroup_set_limit_2_is_clean
	{"limit-2", runs, func() string {
		return within(func() string {
			var g errgroup.Group
			g.SetLimit(2)
			ch := make(chan int)
			g.Go(func() error { <-ch; return nil })
			g.Go(func() error { ch <- 1; return nil })
			return "wait=" + errText(g.Wait())
		})
	}},
	// errgroup_set_limit_while_active_panics
	{"set-limit-while-active", 1, func() (r string) {
		var g errgroup.Group
		g.SetLimit(1)
		ch := make(chan int)
		g.Go(func() error { <-ch; return nil })
		defer func() {
			r = fmt.Sprint("panic: ", recover())
			close(ch)
		}()
		g.SetLimit(2)
		return "no panic"
	}},
	// with_value_shares_its_parents_cancellation
	{"with-value-cancel", runs, func() string {
		ctx, cancel := context.WithCancel(context.Background())
		v := context.WithValue(ctx, "k", 1)
		cancel()
		<-v.Done()
		return "value-ctx-err=" + errText(v.Err())
	}},
	// rlocker_is_shared_by_readers
	{"rlocker-two-holders", runs, func() string {
		return within(func() string {
			var rw sync.RWMutex
			l := rw.RLocker()
			l.Lock()
			got := make(chan bool)
			go func() { l.Lock(); got <- true; l.Unlock() }()
			<-got
			l.Unlock()
			return "both held"
		})
	}},
	// rlocker_excludes_a_writer
	{"rlocker-then-lock", 20, func() string {
		return within(func() string {
			var rw sync.RWMutex
			rw.RLocker().Lock()
			rw.Lock()
			return "locked"
		})
	}},
	// cond_on_an_rlocker_waits_for_a_broadcast
	{"cond-rlocker-broadcast", runs, func() string {
		return within(func() string {
			var rw sync.RWMutex
			c := sync.NewCond(rw.RLocker())
			ready := false
			var wg sync.WaitGroup
			for i := 0; i < 2; i++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					c.L.Lock()
					for !ready {
						c.Wait()
					}
					c.L.Unlock()
				}()
			}
			rw.Lock()
			ready = true
			rw.Unlock()
			c.Broadcast()
			wg.Wait()
			return "woken"
		})
	}},
	// cond_l_is_the_locker
	{"cond-l-is-mu", 20, func() string {
		return within(func() string {
			var mu sync.Mutex
			c := sync.NewCond(&mu)
			c.L.Lock()
			mu.Lock()
			return "locked twice"
		})
	}},
	// sync_map_methods
	{"sync-map-methods", 1, func() string {
		var m sync.Map
		a, loaded := m.LoadOrStore(2, 5)
		b, loaded2 := m.LoadOrStore(2, 6)
		c, l3 := m.LoadAndDelete(2)
		d, ok4 := m.Load(2)
		return fmt.Sprint("LoadOrStore=", a, loaded, " again=", b, loaded2,
			" LoadAndDelete=", c, l3, " Load=", d, ok4)
	}},
	// sync_map_publishes_a_plain_write (run with -race: no report)
	{"sync-map-publish", runs, func() string {
		var m sync.Map
		x := 0
		done := make(chan bool)
		go func() { x = 1; m.Store(1, 7); done <- true }()
		r := "not yet"
		if v, ok := m.Load(1); ok {
			r = fmt.Sprint("loaded ", v, " x=", x)
		}
		<-done
		return r
	}},
	// sync_map_load_or_store_has_one_winner
	{"sync-map-one-winner", runs, func() string {
		var m sync.Map
		var wg sync.WaitGroup
		stored := make([]bool, 2)
		for i := 0; i < 2; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, loaded := m.LoadOrStore("k", i)
				stored[i] = !loaded
			}()
		}
		wg.Wait()
		return fmt.Sprint("stored=", stored)
	}},
}

func main() {
	for _, p := range probes {
		fmt.Printf("%s: %v\n", p.name, repeat(p.n, p.f))
	}
}
