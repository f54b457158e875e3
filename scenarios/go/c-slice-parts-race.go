// Construct: a range over part of a slice (`xs[a:b]`, `xs[a:]`, `xs[:b]`).
// weft's slices have no views, so the loop runs over the slice's own
// indexes, the loop's index counting from 0 as in Go. The first node is
// the leader; main asks the others (`up[1:]`), each goroutine storing its
// acknowledgement at its own index, waits, and counts the first two
// (`acks[:2]`). This is the race version: it counts before it
// waits (a race on the elements, and a wrong count).
package main

import "sync"

// weft:expect Race, Panic
func main() {
	up := []bool{true, true, false, true}
	acks := make([]int, len(up)-1)
	var wg sync.WaitGroup
	for i, ok := range up[1:] {
		wg.Add(1)
		go func(i int, ok bool) {
			defer wg.Done()
			if ok {
				acks[i] = 1
			}
		}(i, ok)
	}
	n := 0
	for _, a := range acks[:2] {
		n += a
	}
	if n != 1 {
		panic("wrong count of acknowledgements")
	}
}
