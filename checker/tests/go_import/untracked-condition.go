// A leak whose every schedule goes through a condition on a string, data
// weft does not track (the go_import tests name it in every format).
package main

import (
	"strings"
	"time"
)

func finishRequest(name string) {
	ch := make(chan int)
	errCh := make(chan bool)
	go func() {
		if strings.HasPrefix(name, "a") {
			errCh <- true
		} else {
			ch <- 1
		}
	}()
	select {
	case <-ch:
		return
	case <-errCh:
		return
	case <-time.After(time.Millisecond):
		return
	}
}

// weft:expect Leak
func main() {
	finishRequest("ab")
}
