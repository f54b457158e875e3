// moby/moby#22985, fixed: the mock copies the input's events before
// sending it over the channel, so the test goroutine reads its own copy
// while the stream reuses its batch.
// same-as: ../study/docker-22985-fixed.ron
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
	events := &Batch{events: input.LogEvents.events} // copy(events, input.LogEvents)
	m.putLogEventsArgument <- &PutLogEventsInput{LogEvents: events}
	output := <-m.putLogEventsResult
	return output
}

// The test goroutine reading the mock's channels.
func test(m *mockClient) {
	argument := <-m.putLogEventsArgument
	m.putLogEventsResult <- 0
	if argument.LogEvents.events != 1 {
		panic("the test does not see the events that were put")
	}
}

// weft:expect clean
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
