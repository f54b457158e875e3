// Goroutine pitfalls, bug 28: parallelMap runs fn on each item in its own
// goroutine; fn panics on a bad input (item 1), nothing in that goroutine
// recovers, and the whole process crashes.
// same-as: ../pitfalls/28-panic-in-parallel-map.ron
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
			out[i] = f(items[i])
		}(i)
	}
	wg.Wait()
	return out
}

// weft:expect Panic
func main() {
	items := make([]int, 2)
	items[1] = 1
	out := parallelMap(items, fn)
	if out[0] != 0 {
		panic("wrong result")
	}
}
