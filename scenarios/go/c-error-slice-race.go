// A fan-out that collects its workers' errors in a `[]error` without a
// lock: the appends race on the slice, one error may be lost, and the
// caller then retries too few fetches (the check panics).
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
	for _, id := range ids {
		wg.Add(1)
		go func(id int) {
			defer wg.Done()
			if err := fetch(id); err != nil {

				errs = append(errs, err)

			}
		}(id)
	}
	wg.Wait()
	return errs
}

// weft:expect Race, Panic
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
