// moby/moby#27037, fixed: the loop variable is passed to the goroutine,
// so each goroutine reads its own copy (this module says go 1.21).
// same-as: ../../study/docker-27037-fixed.ron
package main

import "fmt"

// weft:expect clean
func main() {
	for i := 17; i <= 21; i++ {
		go func(i int) {
			apiVersion := fmt.Sprintf("v1.%d", i)
			_ = apiVersion
		}(i)
	}
}
