// Objects made and filled where they are stored: a slice literal a
// goroutine shares, and a struct literal's map and slice with entries.
// The import makes and fills each in a temporary (`xs_made1`,
// `count_made2`); the report names them as the code does.
package main

import "sync"

type reg struct {
	count map[string]int
	order []int
}

func main() {
	xs := []int{1, 2}
	r := &reg{count: map[string]int{"a": 1}, order: []int{3, 4}}
	var wg sync.WaitGroup
	wg.Add(2)
	for i := 0; i < 2; i++ {
		go func() {
			defer wg.Done()
			xs[0] = 3
			r.count["a"]++
			r.order[0] = 5
		}()
	}
	wg.Wait()
}
