// Goroutine pitfalls, bug 24, fixed: a second, different config is an
// error the caller sees.
// same-as: ../../pitfalls/24-once-keeps-first-config-fixed.ron
package gotests

import (
	"sync"
	"testing"
)

var onceCfg2 sync.Once
var cfg2 int

func initialize2(c int) bool {
	onceCfg2.Do(func() {
		cfg2 = c
	})
	return cfg2 == c
}

// weft:expect clean
func TestOnceReportsSecondConfig(t *testing.T) {
	var wg sync.WaitGroup
	wg.Add(2)
	for c := 1; c <= 2; c++ {
		go func(c int) {
			defer wg.Done()
			ok := initialize2(c)
			if ok && cfg2 != c {
				t.Errorf("initialize(%d) accepted and kept another config", c)
			}
		}(c)
	}
	wg.Wait()
}
