// moby/moby#27037 under Go 1.22 (this module's go.mod says go 1.22): the
// program of ../go121/s-docker-27037.go, where each iteration now has its
// own i: the goroutines read their own copies and nothing races. (A Go
// toolchain older than 1.22, as Debian's go1.19 here, still compiles it with
// one i for the loop.)
// same-as: ../../study/docker-27037-fixed.ron
// go-vet: loop variable i captured by func literal
// (that is go1.19's vet: from Go 1.22 vet does not report it in a go 1.22 module)
package main

import "fmt"

// weft:expect clean
func main() {
	for i := 17; i <= 21; i++ { // write
		go func() {
			apiVersion := fmt.Sprintf("v1.%d", i) // read
			_ = apiVersion
		}()
	}
}
