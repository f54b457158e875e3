// Construct: switch with a tag and a tagless switch, continue, constants.
package main

const steps = 3

// weft:expect clean
func main() {
	state := 0
	out := make(chan int, steps)
	for i := 0; i < steps; i++ {
		switch state {
		case 0:
			state = 1
		case 1, 2:
			state = 2
		default:
			panic("bad state")
		}
		switch {
		case i == 1:
			continue
		case i > 5:
			panic("too many steps")
		}
		out <- state
	}
	close(out)
	for v := range out {
		_ = v
	}
}
