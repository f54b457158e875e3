// Goroutine pitfalls, bug 30: Lookup does not pass the request's context
// to the database call. The client cancels, but the query keeps waiting
// for the database's answer (a channel nobody sends on here): the handler
// goroutine is blocked for ever, a leak.
// same-as: ../pitfalls/30-ctx-not-propagated.ron
package main

import "context"

type DB struct {
	answer chan int // the database's answer to the query
}

func (db *DB) Query(id int) int {
	return <-db.answer
}

func (db *DB) QueryContext(ctx context.Context, id int) int {
	select {
	case rows := <-db.answer:
		return rows
	case <-ctx.Done():
		return 0
	}
}

type Service struct {
	db *DB
}

func (s *Service) Lookup(ctx context.Context, id int) int {
	return s.db.Query(id)
}

// weft:expect Leak
func main() {
	s := &Service{db: &DB{answer: make(chan int)}}
	ctx, cancel := context.WithCancel(context.Background())
	go s.Lookup(ctx, 1) // the request handler
	cancel()            // the client cancels
}
