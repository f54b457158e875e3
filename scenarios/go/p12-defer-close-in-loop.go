// Goroutine pitfalls, bug 12: defer f.Close() inside the loop runs only
// when processFiles returns, so every file stays open until then ("too
// many open files" on 10 000 files). Not imported: the bug is about file
// descriptors, which weft does not model (os.Open is not synchronisation,
// and with --allow-abstract it is a no-op, so the leak would be invisible);
// the import refuses the `*os.File` (and the os.Open call) at its position.
package main

import (
	"fmt"
	"os"
)

func process(f *os.File) error { return nil }

func processFiles(n int) error {
	for i := 0; i < n; i++ {
		f, err := os.Open(fmt.Sprintf("file%d", i))
		if err != nil {
			return err
		}
		defer f.Close()
		if err := process(f); err != nil {
			return err
		}
	}
	return nil
}

// weft:expect clean
// weft:import-error cannot import a value of type `*os.File`
func main() {
	_ = processFiles(3)
}
