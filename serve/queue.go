package serve

import "sync"

// queue is a flow's FIFO of run ids waiting for a worker. It holds ids
// only: the store holds the runs, so a queue lost with the process loses
// nothing (a restart queues every queued run again).
type queue struct {
	mu      sync.Mutex
	cond    *sync.Cond
	items   []string
	closed  bool
	workers int
	busy    int
}

func newQueue(workers int) *queue {
	q := &queue{workers: workers}
	q.cond = sync.NewCond(&q.mu)
	return q
}

// push appends id; it reports false once the queue is closed.
func (q *queue) push(id string) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return false
	}
	q.items = append(q.items, id)
	q.cond.Signal()
	return true
}

// pop waits for an id; ok is false once the queue is closed (ids still
// waiting stay queued in the store).
func (q *queue) pop() (id string, ok bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.items) == 0 && !q.closed {
		q.cond.Wait()
	}
	if q.closed {
		return "", false
	}
	id = q.items[0]
	q.items[0] = ""
	q.items = q.items[1:]
	q.busy++
	return id, true
}

// done marks a popped id's work finished.
func (q *queue) done() {
	q.mu.Lock()
	q.busy--
	q.mu.Unlock()
}

// close wakes every worker to exit.
func (q *queue) close() {
	q.mu.Lock()
	q.closed = true
	q.cond.Broadcast()
	q.mu.Unlock()
}

// stats returns the ids waiting and the runs in flight.
func (q *queue) stats() (waiting, inFlight int) {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.items), q.busy
}
