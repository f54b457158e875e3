// Control-flow probes: what real Go does for the constructs of
// checker/tests/control_flow.rs. Run: go run probes.go (any Go >= 1.22).
package main

import (
	"fmt"
	"sort"
	"strings"
)

// deferRecoverDirect: `defer recover()` calls recover as the deferred
// function itself, not from inside a deferred function, so it returns nil
// and the panic goes on.
func deferRecoverDirect() (out string) {
	defer func() {
		if r := recover(); r != nil {
			out = fmt.Sprint("still panicking: ", r)
		}
	}()
	func() {
		defer recover()
		panic("boom")
	}()
	return "recovered"
}

// deferRecoverWrapped: recover called by a deferred function stops it.
func deferRecoverWrapped() (out string) {
	func() {
		defer func() { recover() }()
		panic("boom")
	}()
	return "recovered"
}

// labelledBreak: a select inside a for leaves the loop with `break loop`;
// a plain break only leaves the select.
func labelledBreak() string {
	ch := make(chan int, 1)
	ch <- 1
	n := 0
loop:
	for {
		n++
		select {
		case <-ch:
			break loop
		default:
		}
	}
	m := 0
	ch <- 1
	for m < 3 {
		m++
		select {
		case <-ch:
			break
		default:
		}
	}
	return fmt.Sprintf("labelled: %d iteration(s); plain: %d", n, m)
}

// labelledContinue: continue outer from an inner loop.
func labelledContinue() string {
	var got []string
outer:
	for i := 0; i < 3; i++ {
		for j := 0; j < 3; j++ {
			if j == 1 {
				continue outer
			}
			got = append(got, fmt.Sprintf("%d%d", i, j))
		}
	}
	return strings.Join(got, " ")
}

// mapOrders: the iteration orders of a 3-key map seen over many runs.
func mapOrders() string {
	seen := map[string]bool{}
	for i := 0; i < 10000; i++ {
		m := map[int]int{1: 10, 2: 20, 3: 30}
		var order []string
		for k := range m {
			order = append(order, fmt.Sprint(k))
		}
		seen[strings.Join(order, "")] = true
	}
	var all []string
	for o := range seen {
		all = append(all, o)
	}
	sort.Strings(all)
	return fmt.Sprintf("%d orders: %s", len(all), strings.Join(all, " "))
}

// mapDeleteDuring: an entry deleted before it is reached is not produced.
func mapDeleteDuring() string {
	seen := map[string]int{}
	for i := 0; i < 10000; i++ {
		m := map[int]int{1: 10, 2: 20}
		n := 0
		for k := range m {
			delete(m, 3-k)
			n++
		}
		seen[fmt.Sprint(n)]++
	}
	return fmt.Sprint("iterations: ", seen)
}

// mapAddDuring: an entry added during iteration may or may not be produced.
func mapAddDuring() string {
	seen := map[string]int{}
	for i := 0; i < 10000; i++ {
		m := map[int]int{1: 10}
		n := 0
		for k := range m {
			if k == 1 {
				m[2] = 20
			}
			n++
		}
		seen[fmt.Sprint(n)]++
	}
	return fmt.Sprint("iterations: ", seen)
}

// rangeInt: for i := range n.
func rangeInt() string {
	var got []string
	for i := range 3 {
		got = append(got, fmt.Sprint(i))
	}
	for range 0 {
		got = append(got, "never")
	}
	n := 2
	for i := range n {
		n = 5 // the count is evaluated once
		got = append(got, fmt.Sprint("n", i))
	}
	return strings.Join(got, " ")
}

// switchValues: the first matching case runs, no fallthrough, break leaves
// the switch.
func switchValues() string {
	var got []string
	for x := 0; x < 4; x++ {
		switch x {
		case 1, 2:
			got = append(got, fmt.Sprint(x, ":a"))
			if x == 2 {
				break
			}
			got = append(got, "after")
		case 3:
			got = append(got, fmt.Sprint(x, ":b"))
		default:
			got = append(got, fmt.Sprint(x, ":d"))
		}
	}
	return strings.Join(got, " ")
}

func main() {
	fmt.Println("defer-recover-direct:", deferRecoverDirect())
	fmt.Println("defer-recover-wrapped:", deferRecoverWrapped())
	fmt.Println("labelled-break:", labelledBreak())
	fmt.Println("labelled-continue:", labelledContinue())
	fmt.Println("map-orders:", mapOrders())
	fmt.Println("map-delete-during:", mapDeleteDuring())
	fmt.Println("map-add-during:", mapAddDuring())
	fmt.Println("range-int:", rangeInt())
	fmt.Println("switch-values:", switchValues())
}
