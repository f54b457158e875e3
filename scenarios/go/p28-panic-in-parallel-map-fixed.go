// Goroutine pitfalls, bug 28, fixed: each worker goroutine recovers its
// own panic (and records the failure), so a bad input no longer crashes
// the process.
// same-as: ../pitfalls/28-panic-in-parallel-map-fixed.ron
package main

import "sync"

func fn(item int) int {
	if item == 1 {
		panic("bad input")
	}
	return item * 2
}

func parallelMap(items []int, f func(int) int) []int {
	out := make([]int, len(items))
	var wg sync.WaitGroup
	for i := 0; i < len(items); i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			defer func() {
				if r := recover(); r != nil {
					out[i] = -1 // record the failure
				}
			}()
			out[i] = f(items[i])
		}(i)
	}
	wg.Wait()
	return out
}

// weft:expect clean
func main() {
	items := make([]int, 2)
	items[1] = 1
	out := parallelMap(items, fn)
	if out[0] != 0 || out[1] != -1 {
		panic("wrong result")
	}
}
