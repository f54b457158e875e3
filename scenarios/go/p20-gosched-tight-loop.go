// Goroutine pitfalls, bug 20: with GOMAXPROCS(1), a goroutine that yields
// (runtime.Gosched) a billion times lets the other goroutine print, but
// the program finishes only after the billion yields. Not imported: the
// bug is about time and the scheduler's fairness (a long loop, not a
// blocked one), which weft's abstract time and exhaustive schedules do not
// measure; runtime.GOMAXPROCS and runtime.Gosched are refused at their
// position.
package main

import (
	"fmt"
	"runtime"
	"sync"
)

// weft:expect clean
// weft:import-error the call `runtime.GOMAXPROCS(...)`
func main() {
	runtime.GOMAXPROCS(1)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for i := 0; i < 1_000_000_000; i++ {
			runtime.Gosched()
			_ = i
		}
	}()
	go func() {
		defer wg.Done()
		fmt.Println("hello")
	}()
	wg.Wait()
}
