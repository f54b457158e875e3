// moby/moby#22985 (the study's non-blocking shared-memory example): the
// CloudWatch logs mock sends the caller's *PutLogEventsInput over a
// channel to the test goroutine and returns. The caller (the log stream)
// then reuses its batch while the test goroutine still reads the events
// through the pointer: a pointer sent over a channel shares memory, and
// the two accesses race.
// same-as: ../study/docker-22985.ron
package main

type Batch struct {
	events int
}

type PutLogEventsInput struct {
	LogEvents *Batch
}

type mockClient struct {
	putLogEventsArgument chan *PutLogEventsInput
	putLogEventsResult   chan int
}

func (m *mockClient) PutLogEvents(input *PutLogEventsInput) int {
	m.putLogEventsArgument <- input
	output := <-m.putLogEventsResult
	return output
}

// The test goroutine reading the mock's channels.
func test(m *mockClient) {
	argument := <-m.putLogEventsArgument
	m.putLogEventsResult <- 0
	got := argument.LogEvents.events // assert on argument.LogEvents
	_ = got
}

// weft:expect Race
func main() {
	m := &mockClient{
		putLogEventsArgument: make(chan *PutLogEventsInput),
		putLogEventsResult:   make(chan int),
	}
	go test(m)
	batch := &Batch{events: 1}
	m.PutLogEvents(&PutLogEventsInput{LogEvents: batch})
	batch.events = 2 // the stream resets and refills its batch
}
