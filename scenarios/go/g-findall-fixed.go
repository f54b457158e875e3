// gops FindAll, fixed: each worker releases its token before it sends.
// same-as: ../gops/findall-fixed-release-before-send.ron
package main

import "sync"

const n = 3
const k = 2

// weft:expect clean
func main() {
	found := make(chan int)
	limitCh := make(chan int, k)
	var wg sync.WaitGroup
	for pr := 0; pr < n; pr++ {
		limitCh <- 0
		wg.Add(1)
		go func(pr int) {
			defer wg.Done()
			<-limitCh
			found <- pr
		}(pr)
	}
	go func() {
		wg.Wait()
		close(found)
	}()
	results := 0
	for p := range found {
		results += p
	}
}
