package sim

import (
	"fmt"
	"strconv"
	"time"

	"github.com/tracebed/tracebed/sim/internal/coro"
)

type taskState uint8

const (
	stateRunnable taskState = iota + 1
	stateRunning
	stateBlocked
	stateDone
)

// Task is one simulated thread of control, started by [Sim.Go] (the root
// function runs as task 0). Its methods may be called from any task of the
// same simulation.
type Task struct {
	s      *Sim
	id     int
	name   string
	parent int
	co     *coro.Coro       // nil until the task first runs, and once it returned
	body   func(*coro.Coro) // until it first runs
	goid   int64
	state  taskState
	locals map[*localKey]any

	// what the task is blocked on, while state == stateBlocked
	waitOp  string
	waitObj describer
	joiners []*Task // tasks waiting in Wait for this one to end
}

// ID returns the task's id: 0 for the root, then 1, 2, ... in spawn order.
func (t *Task) ID() int { return t.id }

// Name returns the name given to [Sim.Go].
func (t *Task) Name() string { return t.name }

// Done reports whether the task has ended.
func (t *Task) Done() bool {
	t.s.mustCur("Task.Done")
	return t.state == stateDone
}

// Wait blocks the current task until t has ended, like a join: the way to
// wait for a task, rather than polling [Task.Done] in a [Sim.Yield] loop.
// It is a scheduling point. A task waiting for itself waits forever, which
// is reported as a deadlock.
func (t *Task) Wait() {
	s := t.s
	s.point(false)
	for t.state != stateDone {
		t.joiners = append(t.joiners, s.cur)
		s.block("join", t)
	}
}

func (t *Task) describe() string { return t.String() }
func (t *Task) label() string    { return "task#" + strconv.Itoa(t.id) }

// String returns `task 3 "name"`.
func (t *Task) String() string { return fmt.Sprintf("task %d %s", t.id, clipQuote(t.name)) }

// describer is anything a task can wait on.
type describer interface {
	// describe names the object and, where it helps, its state (e.g. a
	// mutex's holder). It is called only for reports.
	describe() string
	// label names the object cheaply and stably, for traces.
	label() string
}

// object is the common header of every primitive: a per-simulation id in
// creation order and a kind, so that reports and traces name it stably.
type object struct {
	name string // kind#id
	id   int
}

// newObject is called by every constructor, ctor being its name.
func (s *Sim) newObject(kind, ctor string) object {
	s.mustCur(ctor)
	s.objects++
	return object{name: kind + "#" + strconv.Itoa(s.objects), id: s.objects}
}

func (o *object) describe() string { return o.name }
func (o *object) label() string    { return o.name }

// String returns the object's name, e.g. "mutex#2".
func (o *object) String() string { return o.name }

// sleepWait describes a task sleeping until a virtual instant.
type sleepWait struct{ until time.Duration }

func (w sleepWait) describe() string { return fmt.Sprintf("until +%v", w.until) }
func (w sleepWait) label() string    { return "" }
