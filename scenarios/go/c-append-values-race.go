// c-append-values.go without the mutex: two workers append their results
// to one slice unsynchronised, a race on the slice that may lose a
// result (then the length check panics).
package main

import "sync"

type result struct {
	id  int
	ok  bool
	msg string
}

// weft:expect Race, Panic
func main() {

	var wg sync.WaitGroup
	var results []result
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			r := result{id: i, ok: true}

			results = append(results, r)

		}(i)
	}
	wg.Wait()
	results = append(results, result{id: 9})
	if len(results) != 3 || results[2].id != 9 {
		panic("lost")
	}
}
