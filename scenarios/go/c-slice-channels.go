// Construct: a slice of channels made with `make([]chan int, n)`, one
// worker per element, `len`, indexing, and `for i, c := range chans`.
package main

const workers = 3

func worker(in chan int, out chan int) {
	v := <-in
	out <- v * 2
}

// weft:expect clean
func main() {
	chans := make([]chan int, workers)
	out := make(chan int, workers)
	for i := 0; i < len(chans); i++ {
		chans[i] = make(chan int, 1)
		go worker(chans[i], out)
	}
	for i, c := range chans {
		c <- i
	}
	sum := 0
	for i := 0; i < workers; i++ {
		sum += <-out
	}
	if sum != 6 {
		panic("wrong sum")
	}
}
