package sim

import (
	"fmt"

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
	co     *coro.Coro
	goid   int64
	state  taskState
	locals map[*localKey]any

	// what the task is blocked on, while state == stateBlocked
	waitOp  string
	waitObj describer
}

// ID returns the task's id: 0 for the root, then 1, 2, ... in spawn order.
func (t *Task) ID() int { return t.id }

// Name returns the name given to [Sim.Go].
func (t *Task) Name() string { return t.name }

// Done reports whether the task has ended.
func (t *Task) Done() bool { return t.state == stateDone }

// String returns `task 3 "name"`.
func (t *Task) String() string { return fmt.Sprintf("task %d %q", t.id, t.name) }

// describer is anything a task can wait on.
type describer interface {
	// describe names the object and, where it helps, its state (e.g. a
	// mutex's holder).
	describe() string
}

// object is the common header of every primitive: a per-simulation id in
// creation order and a kind, so that reports and traces name it stably.
type object struct {
	kind string
	id   int
}

func (s *Sim) newObject(kind string) object {
	s.objects++
	return object{kind: kind, id: s.objects}
}

func (o *object) describe() string { return fmt.Sprintf("%s#%d", o.kind, o.id) }

// String returns the object's name, e.g. "mutex#2".
func (o *object) String() string { return o.describe() }

// waitDesc is a describer for waits that have no object (sleep, select).
type waitDesc string

func (w waitDesc) describe() string { return string(w) }
