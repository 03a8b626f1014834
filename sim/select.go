package sim

import "strings"

// SelectCase is one case of [Sim.Select]: [OnRecv], [OnSend] or
// [OnDefault].
type SelectCase interface {
	// isDefault reports whether this is the default case.
	isDefault() bool
	// ready reports whether the case can proceed now.
	ready() bool
	// commit performs a ready case and runs its callback.
	commit()
	// enqueue registers the case as waiting, for the select st.
	enqueue(t *Task, st *selectState, idx int)
	// finish runs the callback of the case that fired while waiting, and
	// drops the waiters of st from the channel.
	finish(st *selectState, fired bool)
	describe() string
}

type recvCase[T any] struct {
	c *Chan[T]
	f func(T, bool)
	w *waiter[T]
}

// OnRecv is a select case receiving from c; f (which may be nil) gets the
// value and ok as from [Chan.Recv].
func OnRecv[T any](c *Chan[T], f func(v T, ok bool)) SelectCase {
	return &recvCase[T]{c: c, f: f}
}

func (rc *recvCase[T]) isDefault() bool  { return false }
func (rc *recvCase[T]) ready() bool      { return rc.c.canRecv() }
func (rc *recvCase[T]) describe() string { return "recv " + rc.c.obj.describe() }
func (rc *recvCase[T]) commit() {
	v, ok, _ := rc.c.tryRecv()
	if rc.f != nil {
		rc.f(v, ok)
	}
}
func (rc *recvCase[T]) enqueue(t *Task, st *selectState, idx int) {
	rc.w = &waiter[T]{t: t, sel: st, idx: idx}
	rc.c.recvq = append(rc.c.recvq, rc.w)
}
func (rc *recvCase[T]) finish(st *selectState, fired bool) {
	rc.c.removeSel(st)
	if fired && rc.f != nil {
		rc.f(rc.w.v, rc.w.ok)
	}
}

type sendCase[T any] struct {
	c *Chan[T]
	v T
	f func()
	w *waiter[T]
}

// OnSend is a select case sending v on c; f (which may be nil) runs after
// the send.
func OnSend[T any](c *Chan[T], v T, f func()) SelectCase {
	return &sendCase[T]{c: c, v: v, f: f}
}

func (sc *sendCase[T]) isDefault() bool  { return false }
func (sc *sendCase[T]) ready() bool      { return sc.c.canSend() }
func (sc *sendCase[T]) describe() string { return "send " + sc.c.obj.describe() }
func (sc *sendCase[T]) commit() {
	sc.c.trySend(sc.v)
	if sc.f != nil {
		sc.f()
	}
}
func (sc *sendCase[T]) enqueue(t *Task, st *selectState, idx int) {
	sc.w = &waiter[T]{t: t, sel: st, idx: idx, v: sc.v}
	sc.c.sendq = append(sc.c.sendq, sc.w)
}
func (sc *sendCase[T]) finish(st *selectState, fired bool) {
	sc.c.removeSel(st)
	if fired {
		if sc.w.closed {
			panic("sim: send on closed " + sc.c.obj.describe())
		}
		if sc.f != nil {
			sc.f()
		}
	}
}

type defaultCase struct{ f func() }

// OnDefault is the default case of a select: it runs f (which may be nil)
// when no other case is ready.
func OnDefault(f func()) SelectCase { return &defaultCase{f: f} }

func (dc *defaultCase) isDefault() bool                  { return true }
func (dc *defaultCase) ready() bool                      { return false }
func (dc *defaultCase) describe() string                 { return "default" }
func (dc *defaultCase) enqueue(*Task, *selectState, int) {}
func (dc *defaultCase) finish(*selectState, bool)        {}
func (dc *defaultCase) commit() {
	if dc.f != nil {
		dc.f()
	}
}

// Select waits until one of the cases can proceed, performs it, runs its
// callback and returns its index, like Go's select statement. If several
// cases are ready, which one proceeds is a decision of the strategy. A
// default case ([OnDefault]) runs if no other case is ready. Select is a
// scheduling point; with no cases (or only nil ones) it blocks forever.
func (s *Sim) Select(cases ...SelectCase) int {
	s.point(false)
	t := s.cur
	var ready []int
	def := -1
	for i, c := range cases {
		switch {
		case c == nil:
		case c.isDefault():
			def = i
		case c.ready():
			ready = append(ready, i)
		}
	}
	if len(ready) > 0 {
		i := ready[s.choose(KindSelect, len(ready))]
		s.selected(i, len(cases), cases[i])
		cases[i].commit()
		return i
	}
	if def >= 0 {
		s.selected(def, len(cases), cases[def])
		cases[def].commit()
		return def
	}
	st := &selectState{}
	for i, c := range cases {
		if c != nil && !c.isDefault() {
			c.enqueue(t, st, i)
		}
	}
	on := selectWait(cases)
	for !st.done {
		s.block("select", on)
	}
	s.selected(st.fired, len(cases), cases[st.fired])
	for i, c := range cases {
		if c != nil && !c.isDefault() {
			c.finish(st, i == st.fired)
		}
	}
	return st.fired
}

// selectWait describes a task blocked in a select.
type selectWait []SelectCase

func (w selectWait) label() string { return "" }

func (w selectWait) describe() string {
	var parts []string
	for _, c := range w {
		if c != nil && !c.isDefault() {
			parts = append(parts, c.describe())
		}
	}
	return "[" + strings.Join(parts, ", ") + "]"
}
