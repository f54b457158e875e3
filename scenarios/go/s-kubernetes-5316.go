// kubernetes#5316 (Tu et al., ASPLOS'19): finishRequest leaks its worker
// when the timeout wins: the worker's unbuffered send never completes.
// same-as: ../study/kubernetes-5316.ron
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
	ch := make(chan int)
	errCh := make(chan bool)
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

// weft:expect Leak
func main() {
	finishRequest()
}
