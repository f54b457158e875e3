// Goroutine pitfalls, bug 24, as a Go test: only the first caller's config
// is used; the other caller silently runs with it (t.Errorf fails).
// same-as: ../../pitfalls/24-once-keeps-first-config.ron
package gotests

import (
	"sync"
	"testing"
)

var onceCfg sync.Once
var cfg int

func initialize(c int) {
	onceCfg.Do(func() {
		cfg = c
	})
}

// weft:expect Assert
func TestOnceKeepsFirstConfig(t *testing.T) {
	var wg sync.WaitGroup
	wg.Add(2)
	for c := 1; c <= 2; c++ {
		go func(c int) {
			defer wg.Done()
			initialize(c)
			if cfg != c {
				t.Errorf("initialize(%d) silently kept another caller's config", c)
			}
		}(c)
	}
	wg.Wait()
}
