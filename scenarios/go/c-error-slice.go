// A fan-out that collects its workers' errors in a `[]error` under a
// lock; c-error-slice-race.go is the same without it.
package main

import (
	"errors"
	"sync"
)

var errTimeout = errors.New("timeout")

func fetch(id int) error {
	if id > 0 {
		return errTimeout
	}
	return nil
}

func fetchAll(ids []int) []error {
	var wg sync.WaitGroup
	var errs []error
	var mu sync.Mutex
	for _, id := range ids {
		wg.Add(1)
		go func(id int) {
			defer wg.Done()
			if err := fetch(id); err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		}(id)
	}
	wg.Wait()
	return errs
}

// weft:expect clean
func main() {
	errs := fetchAll([]int{0, 1, 2})
	if len(errs) != 2 {
		panic("an error was lost: too few retries")
	}
	for _, err := range errs {
		if err != errTimeout {
			panic("unexpected error")
		}
	}
}
