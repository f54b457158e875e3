// Construct: appending struct values. Workers append a `result` value each
// to a shared slice under a mutex; main appends one more after the wait.
// weft copies each value into a record of the slice's array, field by
// field, as Go copies the struct (a later change of `r` does not reach
// the copy). Without the mutex (c-append-values-race.go) the appends race
// on the slice and may lose a result.
package main

import "sync"

type result struct {
	id  int
	ok  bool
	msg string
}

// weft:expect clean
func main() {
	var mu sync.Mutex
	var wg sync.WaitGroup
	var results []result
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			r := result{id: i, ok: true}
			mu.Lock()
			results = append(results, r)
			mu.Unlock()
		}(i)
	}
	wg.Wait()
	results = append(results, result{id: 9})
	if len(results) != 3 || results[2].id != 9 {
		panic("lost")
	}
}
