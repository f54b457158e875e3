// Goroutine pitfalls, bug 15: the nil check and the assignment are separate
// steps: two goroutines can both see 0 and both open a pool.
// same-as: ../pitfalls/15-singleton-check-then-set.ron
package main

import "sync"

var db int
var opened int

func getDB() int {
	if db == 0 {
		opened += 1
		db = opened
	}
	return db
}

// weft:expect Race, Panic
func main() {
	var wg sync.WaitGroup
	wg.Add(2)
	for i := 0; i < 2; i++ {
		go func() {
			defer wg.Done()
			p := getDB()
			_ = p
		}()
	}
	wg.Wait()
	if opened != 1 {
		panic("two pools opened")
	}
}
