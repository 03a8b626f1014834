package view

import (
	"cmp"
	"maps"
	"slices"

	"github.com/tracebed/tracebed/sim"
)

// chanBook pairs the sends and receives of each channel of a trace. A
// channel is FIFO: the k-th value it accepts is the k-th one taken. A send
// is accepted, and a receive takes, in the order they were offered: at the
// operation if it went through at once, else when the task blocked on it
// (blocked tasks queue in that order). So the k-th send offered pairs with
// the k-th receive offered; receives beyond the sends got the close.
type chanBook struct {
	pending map[int]pendingOp // by task: the operation it blocked in
	sends   map[string][]offer
	recvs   map[string][]offer
}

type pendingOp struct {
	idx    int    // event index of the block
	op, on string // "send"/"recv"/"select", channel
	at     Point
}

type offer struct {
	idx  int   // event index the operation was offered at
	from Point // where it was offered
	done Point // where it completed, in its task
}

func newChanBook() *chanBook {
	return &chanBook{pending: map[int]pendingOp{}, sends: map[string][]offer{}, recvs: map[string][]offer{}}
}

// event notes event i of the trace.
func (b *chanBook) event(i int, e *sim.Event) {
	p := Point{Task: e.Task, Step: e.Step, At: e.At}
	switch {
	case e.Kind == sim.EvBlock && (e.Text == "send" || e.Text == "recv" || e.Text == "select"):
		b.pending[e.Task] = pendingOp{idx: i, op: e.Text, on: e.On, at: p}
	case e.Kind == sim.EvOp && (e.Text == "sent" || e.Text == "received"):
		op := map[string]string{"sent": "send", "received": "recv"}[e.Text]
		b.complete(i, e.Task, op, e.On, p, false)
	case e.Kind == sim.EvSelect && (e.Text == "send" || e.Text == "recv"):
		b.complete(i, e.Task, e.Text, e.On, p, true)
	}
}

func (b *chanBook) complete(i, task int, op, on string, p Point, sel bool) {
	o := offer{idx: i, from: p, done: p}
	if w, ok := b.pending[task]; ok && ((sel && w.op == "select") || (!sel && w.op == op && w.on == on)) {
		o.idx, o.from = w.idx, w.at
	}
	delete(b.pending, task)
	if op == "send" {
		b.sends[on] = append(b.sends[on], o)
	} else {
		b.recvs[on] = append(b.recvs[on], o)
	}
}

// edges returns a send → receive edge per value received.
func (b *chanBook) edges() []Edge {
	var out []Edge
	byOffer := func(a, c offer) int { return cmp.Compare(a.idx, c.idx) }
	for _, ch := range slices.Sorted(maps.Keys(b.sends)) {
		s, r := b.sends[ch], b.recvs[ch]
		slices.SortStableFunc(s, byOffer)
		slices.SortStableFunc(r, byOffer)
		for k := 0; k < len(s) && k < len(r); k++ {
			out = append(out, Edge{Kind: EdgeChan, Obj: ch, From: s[k].from, To: r[k].done})
		}
	}
	return out
}
