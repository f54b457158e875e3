// Data weft does not track, declared without a value, that goroutines
// write: a local `var f float64` a closure assigns, and a package-level
// `var total float64`. Each was declared as an untracked local with no
// cell, so their races were lost and weft verified the program; Go's race
// detector reports both.
package main

import "sync"

var total float64

func add(v float64) {
	total += v
}

func main() {
	var f float64
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		f = 1.5
	}()
	go func() {
		defer wg.Done()
		add(2.5)
	}()
	f = 2.5
	add(1.5)
	wg.Wait()
	_ = f
}
