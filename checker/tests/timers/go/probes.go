// Timer probes: what real Go does for each rule of the Time section of
// shared/design/semantics.md. run.sh runs this file twice, once in a module
// with a `go 1.22` directive (asynctimerchan=1: the Go 1.22 timers) and once
// with `go 1.23` (synchronous timer channels), and prints, for each probe,
// how often each outcome happened in `runs` runs. The scenario tests in
// checker/tests/go_versions.rs assert the verdicts these counts support.
package main

import (
	"fmt"
	"os"
	"runtime"
	"sort"
	"strings"
	"time"
)

const runs = 10000

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

func fired(t *time.Timer) string {
	select {
	case <-t.C:
		return "received"
	default:
		return "empty"
	}
}

// waitFired sleeps until a short timer has certainly expired.
func waitFired() { time.Sleep(2 * time.Millisecond) }

// heapAfter makes n objects with mk, drops them, collects, and reports the
// live heap growth in bytes per object (rounded): 0 means collected.
func heapAfter(n int, mk func()) string {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for i := 0; i < n; i++ {
		mk()
	}
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&after)
	per := (int64(after.HeapInuse) - int64(before.HeapInuse)) / int64(n)
	if per > 16 {
		return "kept"
	}
	return "collected"
}

func tickAndReturn() {
	for range time.Tick(time.Hour) {
		return
	}
}

func tickInFunction() {
	c := time.Tick(time.Hour)
	_ = c
}

func main() {
	probes := []struct {
		name string
		run  func() counts
	}{
		// NewTimer(0), then a select with default.
		{"zero-timer-select", func() counts {
			return repeat(runs, func() string { return fired(time.NewTimer(0)) })
		}},
		// NewTimer(-1): a negative duration is a zero one.
		{"negative-timer-select", func() counts {
			return repeat(runs, func() string { return fired(time.NewTimer(-time.Second)) })
		}},
		// NewTimer(0).Stop().
		{"zero-timer-stop", func() counts {
			return repeat(runs, func() string { return fmt.Sprint(time.NewTimer(0).Stop()) })
		}},
		// NewTimer(0): Stop after its value was received.
		{"zero-timer-stop-after-receive", func() counts {
			return repeat(runs, func() string {
				t := time.NewTimer(0)
				<-t.C
				return fmt.Sprint(t.Stop())
			})
		}},
		// A pending timer: Stop is true, and no value arrives afterwards.
		{"stop-pending", func() counts {
			return repeat(100, func() string {
				t := time.NewTimer(time.Millisecond)
				s := t.Stop()
				waitFired()
				return fmt.Sprintf("stop=%v then=%s", s, fired(t))
			})
		}},
		// Stop after the timer fired, value not received: the result, and
		// whether the stale value is still there.
		{"stop-after-fire-undrained", func() counts {
			return repeat(100, func() string {
				t := time.NewTimer(time.Microsecond)
				waitFired()
				s := t.Stop()
				return fmt.Sprintf("stop=%v then=%s", s, fired(t))
			})
		}},
		// Reset after fire without draining: Reset's result, then whether a
		// (stale) value is received before the new expiry.
		{"reset-after-fire-undrained", func() counts {
			return repeat(100, func() string {
				t := time.NewTimer(time.Microsecond)
				waitFired()
				r := t.Reset(time.Hour)
				return fmt.Sprintf("reset=%v then=%s", r, fired(t))
			})
		}},
		// Reset after fire with draining.
		{"reset-after-fire-drained", func() counts {
			return repeat(100, func() string {
				t := time.NewTimer(time.Microsecond)
				<-t.C
				r := t.Reset(time.Hour)
				return fmt.Sprintf("reset=%v then=%s", r, fired(t))
			})
		}},
		// Reset(0) on a stopped timer, then a select with default.
		{"reset-zero-select", func() counts {
			return repeat(runs, func() string {
				t := time.NewTimer(time.Hour)
				t.Stop()
				t.Reset(0)
				return fired(t)
			})
		}},
		// len and cap of a fired timer's channel.
		{"len-cap-after-fire", func() counts {
			return repeat(100, func() string {
				t := time.NewTimer(time.Microsecond)
				waitFired()
				return fmt.Sprintf("len=%d cap=%d", len(t.C), cap(t.C))
			})
		}},
		// A ticker's channel after two periods without a receive: one tick
		// is kept, the others dropped.
		{"ticker-drops", func() counts {
			return repeat(20, func() string {
				tk := time.NewTicker(time.Millisecond)
				time.Sleep(10 * time.Millisecond)
				n := 0
				for {
					select {
					case <-tk.C:
						n++
						continue
					default:
					}
					break
				}
				tk.Stop()
				return fmt.Sprintf("ticks=%d", n)
			})
		}},
		// Ticker.Stop, then a select with default: a tick already sent?
		{"ticker-stop-after-tick", func() counts {
			return repeat(20, func() string {
				tk := time.NewTicker(time.Millisecond)
				time.Sleep(3 * time.Millisecond)
				tk.Stop()
				select {
				case <-tk.C:
					return "received"
				default:
					return "empty"
				}
			})
		}},
		// NewTicker(0) panics; Tick(0) is nil.
		{"zero-ticker", func() counts {
			return repeat(1, func() (out string) {
				defer func() {
					if r := recover(); r != nil {
						out = fmt.Sprint("panic: ", r)
					}
				}()
				time.NewTicker(0)
				return "no panic"
			})
		}},
		{"zero-tick", func() counts {
			return repeat(1, func() string { return fmt.Sprint("nil=", time.Tick(0) == nil) })
		}},
		{"ticker-reset-zero", func() counts {
			return repeat(1, func() (out string) {
				defer func() {
					if r := recover(); r != nil {
						out = fmt.Sprint("panic: ", r)
					}
				}()
				time.NewTicker(time.Hour).Reset(0)
				return "no panic"
			})
		}},
		// time.After in a loop, each timer abandoned while pending: are the
		// timers still alive after a GC?
		{"after-in-loop", func() counts {
			return counts{heapAfter(200000, func() {
				select {
				case <-time.After(time.Hour):
				default:
				}
			}): 1}
		}},
		// time.Tick in a function that returns: are the tickers still alive?
		{"tick-in-returning-function", func() counts {
			return counts{heapAfter(200000, tickInFunction): 1}
		}},
	}
	only := ""
	if len(os.Args) > 1 {
		only = os.Args[1]
	}
	for _, p := range probes {
		if only != "" && p.name != only {
			continue
		}
		fmt.Printf("%s: %v\n", p.name, p.run())
	}
	_ = tickAndReturn
}
