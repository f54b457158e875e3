// An error weft does not follow (a value of a map of errors) that Go
// holds as the file's sentinel: the caller's `err == ErrA` is true in Go,
// so it panics. The choice made for the untracked error must include the
// errors the file makes, or weft verifies a program Go's every run fails.
package main

import "errors"

var ErrA = errors.New("a")

func pick() error {
	errs := map[string]error{"a": ErrA}
	return errs["a"]
}

func main() {
	if err := pick(); err == ErrA {
		panic("got A")
	}
}
