// time_afterfunc_stop_false_then_read_races: Stop returns false once the
// callback has started; reading what the callback writes is then a data
// race (the callback may still run). Run with -race.
package main

import (
	"fmt"
	"time"
)

func main() {
	x := 0
	t := time.AfterFunc(0, func() { x = 1 })
	time.Sleep(time.Millisecond)
	if !t.Stop() {
		fmt.Println("stop=false read", x)
	}
}
