// Goroutine pitfalls, bug 6: the receiver ranges over ch, which the
// producer never closes: the receiver waits forever.
// same-as: ../pitfalls/06-range-without-close.ron
package main

import "fmt"

// weft:expect Leak
func main() {
	ch := make(chan int)
	go func() {
		for v := range ch {
			fmt.Println(v)
		}
	}()
	for i := 0; i < 2; i++ {
		ch <- i
	}
}
