// gops FindAll (seed 004): main holds a token while it sends on limitCh;
// the workers need main to receive from found before they release theirs.
// same-as: ../gops/findall.ron
package main

import "sync"

const n = 3
const k = 2

// weft:expect Deadlock
func main() {
	found := make(chan int)
	limitCh := make(chan int, k)
	var wg sync.WaitGroup
	for pr := 0; pr < n; pr++ {
		limitCh <- 0
		wg.Add(1)
		go func(pr int) {
			defer wg.Done()
			defer func() { <-limitCh }()
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
