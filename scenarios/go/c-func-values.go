// Construct: function values: a closure held in a local (`send := func...`)
// and started as goroutines, a package function passed as an argument and
// called through the parameter. The closure captures `mu` and `total`;
// `total` is assigned in it, so it is a shared variable.
package main

import "sync"

func double(x int) int {
	return x * 2
}

func apply(f func(int) int, x int, out chan int) {
	out <- x
	f(x)
}

// weft:expect clean
func main() {
	var mu sync.Mutex
	var wg sync.WaitGroup
	total := 0
	add := func(v int) {
		defer wg.Done()
		mu.Lock()
		total += v
		mu.Unlock()
	}
	wg.Add(2)
	go add(1)
	go add(2)
	wg.Wait()
	out := make(chan int, 1)
	apply(double, total, out)
	if <-out != 3 {
		panic("lost an add")
	}
}
