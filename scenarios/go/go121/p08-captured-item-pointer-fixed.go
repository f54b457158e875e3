// Goroutine pitfalls, bug 8, fixed (solution 8): the loop variable is
// copied inside the body (item := item), so each iteration, and its
// goroutine, has its own item and its own address (this module says go
// 1.21).
// same-as: ../../pitfalls/08-captured-item-pointer-fixed.ron
package main

import "sync"

type Item int

const n = 2

func process(it *Item) {
	name := *it
	_ = name
}

// weft:expect clean
func main() {
	items := make([]Item, n)
	for k := 0; k < n; k++ {
		items[k] = Item(k)
	}
	var wg sync.WaitGroup
	for _, item := range items {
		item := item // shadow
		wg.Add(1)
		go func() {
			defer wg.Done()
			process(&item)
		}()
	}
	wg.Wait()
}
