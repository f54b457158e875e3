// Goroutine pitfalls, bug 3, fixed: wait for a done channel.
// same-as: ../pitfalls/03-sleep-as-sync-fixed.ron
package main

var result int

func heavyWork(done chan bool) {
	result = 42
	close(done)
}

// weft:expect clean
func main() {
	done := make(chan bool)
	go heavyWork(done)
	<-done
	if result != 42 {
		panic("hopefully done: it was not")
	}
}
