package sim

import "sync"

// choiceLog is a run's schedule as it is recorded: fixed-size chunks, so
// that recording a decision never copies the ones before it (a []int that
// doubles copies them all again at every growth). Logs, and their chunks,
// are recycled across runs through choiceLogs.
type choiceLog struct {
	cur   []int   // the chunk being filled
	full  [][]int // the filled chunks before cur, in order
	spare [][]int // emptied chunks, for reuse
	n     int
}

// choiceChunk is the number of decisions a chunk holds: more than most
// runs make, so that a run's schedule is usually one chunk and all
// copies nothing.
const choiceChunk = 2048

var choiceLogs = sync.Pool{New: func() any { return &choiceLog{cur: make([]int, 0, choiceChunk)} }}

// add records decision i.
func (l *choiceLog) add(i int) {
	if len(l.cur) == cap(l.cur) {
		l.grow()
	}
	l.cur = append(l.cur, i)
	l.n++
}

func (l *choiceLog) grow() {
	l.full = append(l.full, l.cur)
	if k := len(l.spare); k > 0 {
		l.cur, l.spare = l.spare[k-1], l.spare[:k-1]
	} else {
		l.cur = make([]int, 0, choiceChunk)
	}
}

// len is the number of decisions recorded.
func (l *choiceLog) len() int { return l.n }

// all returns the decisions in order, valid until reset; it copies them
// only if they span chunks.
func (l *choiceLog) all() []int {
	if len(l.full) == 0 {
		return l.cur
	}
	out := make([]int, 0, l.n)
	for _, c := range l.full {
		out = append(out, c...)
	}
	return append(out, l.cur...)
}

// reset empties the log, keeping its chunks for the next run.
func (l *choiceLog) reset() {
	for _, c := range l.full {
		l.spare = append(l.spare, c[:0])
	}
	clear(l.full)
	l.full, l.cur, l.n = l.full[:0], l.cur[:0], 0
}
