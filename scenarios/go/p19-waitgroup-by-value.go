// Goroutine pitfalls, bug 19: spawn gets a copy of wg; the goroutine's Done
// decrements the copy and main's Wait blocks forever. The import refuses
// the copy (weft shares sync objects by reference), as go vet does.
// same-as: ../pitfalls/19-waitgroup-by-value.ron
// go-vet: passes lock by value
package main

import "sync"

func spawn(wg sync.WaitGroup) {
	go func() {
		defer wg.Done()
	}()
}

// weft:expect Deadlock
// weft:import-error `sync.WaitGroup` passed by value: the function gets a copy
func main() {
	var wg sync.WaitGroup
	wg.Add(1)
	spawn(wg)
	wg.Wait()
}
