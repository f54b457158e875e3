// Goroutine pitfalls, bug 24, fixed: a second, different config is an
// error the caller sees.
// same-as: ../../pitfalls/24-once-keeps-first-config-fixed.ron
package gotests

import (
	"sync"
	"testing"
)

func initialize2(once *sync.Once, cfg *int, c int) bool {
	once.Do(func() {
		*cfg = c
	})
	return *cfg == c
}

// weft:expect clean
func TestOnceReportsSecondConfig(t *testing.T) {
	var once sync.Once
	cfg := 0
	var wg sync.WaitGroup
	wg.Add(2)
	for c := 1; c <= 2; c++ {
		go func(c int) {
			defer wg.Done()
			ok := initialize2(&once, &cfg, c)
			if ok && cfg != c {
				t.Errorf("initialize(%d) accepted and kept another config", c)
			}
		}(c)
	}
	wg.Wait()
}
