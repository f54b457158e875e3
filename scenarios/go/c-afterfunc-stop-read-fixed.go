// Construct: the fix of c-afterfunc-stop-read.go: the callback closes a
// channel when done, and a Stop that returns false waits for it.
package main

import "time"

// weft:expect clean
func main() {
	result := 0
	done := make(chan struct{})
	t := time.AfterFunc(time.Microsecond, func() {
		result = 42
		close(done)
	})
	time.Sleep(time.Microsecond)
	if !t.Stop() {
		<-done
		_ = result
	}
}
