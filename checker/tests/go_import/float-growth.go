// A slice of float64 grows as Go grows one: 8-byte elements holding no
// pointers. The import wrote its elements as `any` (16 bytes with
// pointers), whose growth past 32 elements differs (Go 1.22: 71, not 64).
package main

func main() {
	var xs []float64
	for i := 0; i < 33; i++ {
		xs = append(xs, 0.5)
	}
	if cap(xs) != 64 {
		panic("not Go's growth")
	}
}
