// kubernetes#5316, fixed: buffered channels let the worker finish.
// same-as: ../study/kubernetes-5316-fixed.ron
package main

import (
	"errors"
	"math/rand"
	"time"
)

func fn() (int, error) {
	if rand.Intn(2) == 0 {
		return 0, errors.New("failed")
	}
	return 1, nil
}

func finishRequest() {
	ch := make(chan int, 1)
	errCh := make(chan bool, 1)
	go func() {
		if result, err := fn(); err != nil {
			errCh <- true
		} else {
			ch <- result
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

// weft:expect clean
func main() {
	finishRequest()
}
