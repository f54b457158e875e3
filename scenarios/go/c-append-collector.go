// Construct: append. Workers collect their results into one slice,
// `results = append(results, r)`, each append under the collector's mutex:
// every result is kept.
package main

import "sync"

type Collector struct {
	mu      sync.Mutex
	results []int
}

func (c *Collector) add(r int) {
	c.mu.Lock()
	c.results = append(c.results, r)
	c.mu.Unlock()
}

// weft:expect clean
func main() {
	c := &Collector{}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var squares []int
	for i := 1; i <= 2; i++ {
		wg.Add(1)
		go func(v int) {
			defer wg.Done()
			c.add(v)
			mu.Lock()
			squares = append(squares, v*v)
			mu.Unlock()
		}(i)
	}
	wg.Wait()
	if len(c.results) != 2 || len(squares) != 2 || squares[0]+squares[1] != 5 {
		panic("a result was lost")
	}
}
