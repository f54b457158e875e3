// Construct: time.AfterFunc, then t.Stop(). A Stop that returns false does
// not wait for the callback: it may still be running, so reading what it
// writes races with it. The fix is c-afterfunc-stop-read-fixed.go.
package main

import "time"

// weft:expect Race
func main() {
	result := 0
	t := time.AfterFunc(time.Microsecond, func() {
		result = 42
	})
	time.Sleep(time.Microsecond)
	if !t.Stop() {
		_ = result
	}
}
