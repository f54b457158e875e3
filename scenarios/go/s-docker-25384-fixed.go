// moby#25384, fixed: Wait after the loop.
// same-as: ../study/docker-25384-fixed.ron
package main

import (
	"math/rand"
	"sync"
)

const plugins = 2

var pm sync.Mutex

func restore(p int, group *sync.WaitGroup, nameToID map[int]int) {
	defer group.Done()
	if rand.Intn(2) == 0 {
		return
	}
	pm.Lock()
	nameToID[p] = p + 100
	pm.Unlock()
}

// weft:expect clean
func main() {
	var group sync.WaitGroup
	nameToID := make(map[int]int)
	group.Add(plugins)
	for p := 0; p < plugins; p++ {
		go restore(p, &group, nameToID)
	}
	group.Wait()
	pm.Lock()
	pm.Unlock()
}
