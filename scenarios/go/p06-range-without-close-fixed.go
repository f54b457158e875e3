// Goroutine pitfalls, bug 6, fixed: close ch, wait for the receiver.
// same-as: ../pitfalls/06-range-without-close-fixed.ron
package main

import "fmt"

// weft:expect clean
func main() {
	ch := make(chan int)
	done := make(chan bool)
	go func() {
		for v := range ch {
			fmt.Println(v)
		}
		close(done)
	}()
	for i := 0; i < 2; i++ {
		ch <- i
	}
	close(ch)
	<-done
}
