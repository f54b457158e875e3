// Goroutine pitfalls, bug 15, fixed: sync.Once.
// same-as: ../pitfalls/15-singleton-check-then-set-fixed.ron
package main

import "sync"

var db int
var opened int
var once sync.Once

func open() {
	opened += 1
	db = opened
}

func getDB() int {
	once.Do(open)
	return db
}

// weft:expect clean
func main() {
	var wg sync.WaitGroup
	wg.Add(2)
	for i := 0; i < 2; i++ {
		go func() {
			defer wg.Done()
			p := getDB()
			if p != 1 {
				panic("two pools")
			}
		}()
	}
	wg.Wait()
	if opened != 1 {
		panic("two pools opened")
	}
}
