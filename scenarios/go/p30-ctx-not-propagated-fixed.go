// Goroutine pitfalls, bug 30, fixed: Lookup calls QueryContext with the
// request's context, so the client's cancel reaches the driver: the query
// returns through ctx.Done() and the handler ends.
// same-as: ../pitfalls/30-ctx-not-propagated-fixed.ron
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
	return s.db.QueryContext(ctx, id)
}

// weft:expect clean
func main() {
	s := &Service{db: &DB{answer: make(chan int)}}
	ctx, cancel := context.WithCancel(context.Background())
	go s.Lookup(ctx, 1) // the request handler
	cancel()            // the client cancels
}
