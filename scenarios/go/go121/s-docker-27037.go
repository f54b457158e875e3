// moby/moby#27037 (the study's Figure 8): a test starts one goroutine per
// API version, and the anonymous function reads the loop variable i,
// which the loop keeps incrementing. Before Go 1.22 (this module's go.mod
// says go 1.21) the loop has one i for all iterations: the read in the
// goroutine races with the loop's i++ (most runs used 21).
// same-as: ../../study/docker-27037.ron
// go-vet: loop variable i captured by func literal
package main

import "fmt"

// weft:expect Race
func main() {
	for i := 17; i <= 21; i++ { // write
		go func() {
			apiVersion := fmt.Sprintf("v1.%d", i) // read
			_ = apiVersion
		}()
	}
}
