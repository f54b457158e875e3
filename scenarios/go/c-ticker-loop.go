// Construct: a Ticker in a loop with a labelled break on a done channel.
package main

import "time"

// weft:expect clean
func main() {
	done := make(chan bool)
	go func() {
		time.Sleep(time.Millisecond)
		close(done)
	}()
	t := time.NewTicker(time.Millisecond)
	defer t.Stop()
loop:
	for {
		select {
		case <-t.C:
		case <-done:
			break loop
		}
	}
}
