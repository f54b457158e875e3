// Goroutine pitfalls, bug 23: runtime.LockOSThread calls nest; when
// enterNS is called without an outer lock, its deferred UnlockOSThread
// unpins the goroutine, which may then run on another thread, outside the
// network namespace Setns switched to. Not imported: OS threads and
// namespaces are below weft's model (goroutines, not threads); the import
// refuses runtime.LockOSThread at its position.
package main

import "runtime"

func setns(fd int) error { return nil } // syscall.Setns(fd, syscall.CLONE_NEWNET)

func dialAndRead() error { return nil }

func enterNS(fd int) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	return setns(fd)
}

func makeCall(ns int) error {
	if err := enterNS(ns); err != nil {
		return err
	}
	return dialAndRead() // possibly on another thread, in the old namespace
}

// weft:expect clean
// weft:import-error the call `runtime.LockOSThread(...)`
func main() {
	_ = makeCall(3)
}
