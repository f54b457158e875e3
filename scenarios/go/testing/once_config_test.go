// Goroutine pitfalls, bug 24, as a Go test: only the first caller's config
// is used; the other caller silently runs with it (t.Errorf fails).
// same-as: ../../pitfalls/24-once-keeps-first-config.ron
package gotests

import (
	"sync"
	"testing"
)

func initialize(once *sync.Once, cfg *int, c int) {
	once.Do(func() {
		*cfg = c
	})
}

// weft:expect Assert
func TestOnceKeepsFirstConfig(t *testing.T) {
	var once sync.Once
	cfg := 0
	var wg sync.WaitGroup
	wg.Add(2)
	for c := 1; c <= 2; c++ {
		go func(c int) {
			defer wg.Done()
			initialize(&once, &cfg, c)
			if cfg != c {
				t.Errorf("initialize(%d) silently kept another caller's config", c)
			}
		}(c)
	}
	wg.Wait()
}
