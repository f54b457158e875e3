// Construct: time.NewTimer, Stop, Reset and a select on t.C and a channel.
package main

import "time"

// weft:expect clean
func main() {
	t := time.NewTimer(time.Millisecond)
	ch := make(chan int, 1)
	go func() { ch <- 1 }()
	select {
	case <-t.C:
	case v := <-ch:
		_ = v
		if !t.Stop() {
			<-t.C
		}
	}
	t.Reset(time.Millisecond)
	<-t.C
}
