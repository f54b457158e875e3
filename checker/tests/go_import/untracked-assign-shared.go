// Data weft does not track, shared with a closure, given a value weft
// does follow (`f = 1`) or incremented (`g++`): the write was dropped
// (only a read was kept, and reads do not race with reads), so weft
// verified the program; Go's race detector reports both.
package main

func main() {
	f := 0.5
	g := 1.5
	done := make(chan bool)
	go func() {
		f = 1
		g++
		done <- true
	}()
	f = 2
	g++
	<-done
	_, _ = f, g
}
