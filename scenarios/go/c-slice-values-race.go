// Construct: slices of struct values (`[]job`). The slice makes its
// records and holds them in place: `&jobs[i]` and `jobs[i].f` reach the
// element itself, while `j := jobs[i]`, `extra[1] = jobs[2]` and the
// value of `for _, j := range jobs` are copies (writing them leaves the
// element as it was). Workers mark their job done through a pointer to it,
// under a lock. This is the race version: main counts before it waits
// (copying each job reads its fields as a worker writes one).
package main

import "sync"

type job struct {
	id   int
	done bool
	name string
}

// weft:expect Race, Panic
func main() {
	jobs := []job{{id: 1}, {id: 2, name: "b"}, job{id: 3}}
	extra := make([]job, 2)
	extra[1] = jobs[2]
	extra[1].id = 9
	if jobs[2].id != 3 {
		panic("element copy")
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	for i := range jobs {
		wg.Add(1)
		go func(j *job) {
			defer wg.Done()
			mu.Lock()
			j.done = true
			mu.Unlock()
		}(&jobs[i])
	}
	n := 0
	for _, j := range jobs {
		if j.done {
			n++
		}
		j.done = false
	}
	for k, j := range jobs[1:] {
		if !j.done || j.id != k+2 {
			panic("part")
		}
	}
	wg.Wait()
	if n != 3 || !jobs[0].done {
		panic("count")
	}
}
