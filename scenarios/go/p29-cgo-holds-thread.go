// Goroutine pitfalls, bug 29: each goroutine calling C holds an OS thread
// for the call's duration; 100 concurrent calls per round, started faster
// than they end, make the thread count climb. Not imported: cgo calls and
// OS threads are below weft's model; the import refuses `C.slow()` at its
// position.
package main

/*
#include <unistd.h>
void slow(void) { sleep(2); }
*/
import "C"

import (
	"fmt"
	"runtime"
	"time"
)

// weft:expect clean
// weft:import-error the call `C.slow(...)`
func main() {
	for round := 0; round < 10; round++ {
		for i := 0; i < 100; i++ {
			go C.slow()
		}
		time.Sleep(2500 * time.Millisecond)
		fmt.Println("round", round, "goroutines:", runtime.NumGoroutine())
	}
}
