// AfterFunc probes: what real Go does for each case of the AfterFunc tests
// in checker/tests/library.rs (time.AfterFunc, context.AfterFunc). Each
// probe runs `n` times and prints how often each outcome happened;
// "blocked" means the call had not returned 200ms later. Run under -race:
// the race detector's reports (stderr) are part of the results.
package main

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"
)

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

// ran reports whether ch is closed within 50ms.
func ran(ch chan struct{}) string {
	select {
	case <-ch:
		return "ran"
	case <-time.After(50 * time.Millisecond):
		return "not-run"
	}
}

var probes = []struct {
	name string
	n    int
	f    func() string
}{
	// time_afterfunc_runs_the_callback
	{"afterfunc-runs", 200, func() string {
		done := make(chan struct{})
		time.AfterFunc(time.Millisecond, func() { close(done) })
		return ran(done)
	}},
	// time_afterfunc_stop_before_fire
	{"afterfunc-stop-long", 200, func() string {
		done := make(chan struct{})
		t := time.AfterFunc(time.Hour, func() { close(done) })
		return fmt.Sprintf("stop=%v %s", t.Stop(), ran(done))
	}},
	// time_afterfunc_zero_stop_either
	{"afterfunc-zero-stop", 1000, func() string {
		done := make(chan struct{})
		t := time.AfterFunc(0, func() { close(done) })
		return fmt.Sprintf("stop=%v %s", t.Stop(), ran(done))
	}},
	// time_afterfunc_reset_after_fire_runs_again
	{"afterfunc-reset-after-fire", 200, func() string {
		fired := make(chan int, 2)
		t := time.AfterFunc(time.Millisecond, func() { fired <- 1 })
		<-fired
		active := t.Reset(time.Millisecond)
		return within(func() string { <-fired; return fmt.Sprintf("reset=%v fired-again", active) })
	}},
	// time_afterfunc_c_is_nil
	{"afterfunc-c", 1, func() string {
		t := time.AfterFunc(time.Hour, func() {})
		defer t.Stop()
		return fmt.Sprintf("C-nil=%v", t.C == nil)
	}},
	// time_afterfunc_call_happens_before_the_callback
	{"afterfunc-hb", 200, func() string {
		x := 0
		done := make(chan int)
		x = 1
		time.AfterFunc(time.Millisecond, func() { done <- x })
		return fmt.Sprintf("x=%d", <-done)
	}},
	// ctx_afterfunc_runs_on_cancel
	{"ctx-afterfunc-cancel", 200, func() string {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		stop := context.AfterFunc(ctx, func() { close(done) })
		cancel()
		r := ran(done)
		return fmt.Sprintf("%s stop=%v", r, stop())
	}},
	// ctx_afterfunc_stop_right_after_cancel_is_false
	{"ctx-afterfunc-cancel-then-stop", 1000, func() string {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		stop := context.AfterFunc(ctx, func() { close(done) })
		cancel()
		s := stop()
		return fmt.Sprintf("stop=%v %s", s, ran(done))
	}},
	// ctx_afterfunc_stop_first
	{"ctx-afterfunc-stop-first", 200, func() string {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		stop := context.AfterFunc(ctx, func() { close(done) })
		s := stop()
		again := stop()
		cancel()
		return fmt.Sprintf("stop=%v again=%v %s", s, again, ran(done))
	}},
	// ctx_afterfunc_on_a_done_context_runs_at_once
	{"ctx-afterfunc-already-done", 200, func() string {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		done := make(chan struct{})
		stop := context.AfterFunc(ctx, func() { close(done) })
		return fmt.Sprintf("%s stop=%v", ran(done), stop())
	}},
	// ctx_afterfunc_parent_cancel_reaches_it
	{"ctx-afterfunc-parent", 200, func() string {
		parent, cancel := context.WithCancel(context.Background())
		child, cancelChild := context.WithCancel(parent)
		defer cancelChild()
		done := make(chan struct{})
		context.AfterFunc(child, func() { close(done) })
		cancel()
		return ran(done)
	}},
	// ctx_afterfunc_on_background_never_runs
	{"ctx-afterfunc-background", 200, func() string {
		done := make(chan struct{})
		stop := context.AfterFunc(context.Background(), func() { close(done) })
		r := ran(done)
		return fmt.Sprintf("%s stop=%v", r, stop())
	}},
}

func main() {
	only := ""
	if len(os.Args) > 1 {
		only = os.Args[1]
	}
	for _, p := range probes {
		if only != "" && p.name != only {
			continue
		}
		c := counts{}
		for i := 0; i < p.n; i++ {
			c[p.f()]++
		}
		fmt.Printf("%s: %v\n", p.name, c)
	}
}
