// Goroutine pitfalls, bug 8: each goroutine gets &item, the address of
// the range variable. Before Go 1.22 (this module's go.mod says go 1.21)
// item is one variable for the whole loop: every goroutine gets the same
// address and reads through it while the loop overwrites item with the
// next element (on Go 1.21 all goroutines process the last item).
// `Item` is an integer here (the seed's has a string Name weft does not
// track); items[k] is k.
// same-as: ../../pitfalls/08-captured-item-pointer.ron
// go-vet: loop variable item captured by func literal
package main

import "sync"

type Item int

const n = 2

func process(it *Item) {
	name := *it
	_ = name
}

// weft:expect Race
func main() {
	items := make([]Item, n)
	for k := 0; k < n; k++ {
		items[k] = Item(k)
	}
	var wg sync.WaitGroup
	for _, item := range items {
		wg.Add(1)
		go func() {
			defer wg.Done()
			process(&item)
		}()
	}
	wg.Wait()
}
