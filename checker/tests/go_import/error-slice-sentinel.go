// The file's sentinel error held in a slice of errors: weft follows it,
// so the caller's `err == ErrA` is true, as in Go, with no abstraction.
package main

import "errors"

var ErrA = errors.New("a")

func pick() error {
	errs := []error{ErrA}
	return errs[0]
}

func main() {
	if err := pick(); err == ErrA {
		panic("got A")
	}
}
