// Construct: each worker writes its own element of a results slice, but
// the index is off by one: the last worker indexes past the end and
// panics (index out of range), and worker 0's element is never written.
// An array of mutexes `[workers]sync.Mutex` guards the elements.
package main

import "sync"

const workers = 2

// weft:expect Panic
func main() {
	results := make([]int, workers)
	var locks [workers]sync.Mutex
	var wg sync.WaitGroup
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			locks[i].Lock()
			results[i+1] = i
			locks[i].Unlock()
		}(i)
	}
	wg.Wait()
}
