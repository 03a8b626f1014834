package view

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/tracebed/tracebed/mocktracer"
	"github.com/tracebed/tracebed/opentracing"
	"github.com/tracebed/tracebed/sim"
	"github.com/tracebed/tracebed/view/simspans"
)

// Run is the neutral model of one simulated run that every renderer
// draws: its tasks, the decisions that scheduled them, its spans, the scope
// activations, the hand-overs between tasks, and its failure. Build makes
// one from a sim trace and the run's spans.
type Run struct {
	// Title names the run ("clientserver on tasks, random seed 7").
	Title string
	// Epoch is the wall-clock instant virtual time 0 stands for.
	Epoch time.Time
	// Steps is the last step of the run; Elapsed its virtual time.
	Steps   int
	Elapsed time.Duration
	// Tasks are the run's tasks, in id order.
	Tasks []Task
	// Decisions are the scheduling decisions, in order.
	Decisions []Decision
	// Spans are the spans, in start order.
	Spans []Span
	// Scopes are the scope activations recorded (see package simspans).
	Scopes []Activation
	// Edges are the hand-overs between tasks: channel send → receive and
	// future resolve → get.
	Edges []Edge
	// Marks are the other events worth a mark on a lane: spawns, blocks,
	// operations, notes, selects.
	Marks []Mark
	// Failure is the run's failure, nil for a passing run.
	Failure *Failure
}

// Point is a place in a run: a task's lane (-1 for the scheduler), a step
// and the virtual time then.
type Point struct {
	Task int
	Step int
	At   time.Duration
}

// Task is one task (lane) of a run.
type Task struct {
	ID, Parent int
	Name       string
	// Start is where it was spawned; End where it exited or panicked
	// (End.Step is -1 if it never ended).
	Start, End Point
	// Panicked is true if the task panicked (or called runtime.Goexit).
	Panicked bool
	// Running are the stretches of steps [From, To] during which it ran.
	Running []Stretch
}

// Label is the task's id and name, "2 worker".
func (t Task) Label() string { return fmt.Sprintf("%d %s", t.ID, t.Name) }

// Stretch is a closed range of steps.
type Stretch struct{ From, To int }

// Decision is one scheduling decision.
type Decision struct {
	// Point is where it was made: the task at the scheduling point.
	Point
	// Kind is the decision kind: "task", "select", "rand", "timer"...
	Kind string
	// Chosen is the option taken, of Of.
	Chosen, Of int
	// Run is the task chosen by a task decision, -1 for other kinds.
	Run int
}

// String renders the decision as the text timeline does.
func (d Decision) String() string {
	if d.Run >= 0 {
		return fmt.Sprintf("run %d (%d of %d)", d.Run, d.Chosen, d.Of)
	}
	return fmt.Sprintf("%s %d of %d", d.Kind, d.Chosen, d.Of)
}

// RefType is the type of a span reference.
type RefType string

// The reference types of OpenTracing.
const (
	ChildOf     RefType = "CHILD_OF"
	FollowsFrom RefType = "FOLLOWS_FROM"
)

// Ref is a reference from a span to another.
type Ref struct {
	Type             RefType
	TraceID, SpanID  uint64
	SameTraceAsChild bool
}

// Field is a tag or log field with its value as text and its type: one of
// "string", "bool", "int64", "float64" (other Go types are "string",
// rendered with fmt).
type Field struct {
	Key, Type, Value string
}

// Log is one log record of a span.
type Log struct {
	At     time.Duration
	Fields []Field
}

// Span is one span of the run.
type Span struct {
	TraceID, SpanID, ParentID uint64
	Operation                 string
	Refs                      []Ref
	// Tags are sorted by key.
	Tags []Field
	Logs []Log
	// Start and Finish are where the span started and finished: the task
	// that did it, the step and virtual time. A span whose start or finish
	// the trace did not record (no simspans observer) has Task -1 there
	// and the first step at its virtual time.
	Start, Finish Point
	Finished      bool
}

// Label is "#ID operation".
func (s Span) Label() string { return fmt.Sprintf("#%d %s", s.SpanID, s.Operation) }

// Activation is a scope activation: span SpanID active in Task from Start
// to End (End.Step is -1 if never closed).
type Activation struct {
	SpanID     uint64
	Task       int
	Start, End Point
}

// EdgeKind says what an Edge hands over.
type EdgeKind string

// The kinds of edge.
const (
	EdgeChan   EdgeKind = "chan"
	EdgeFuture EdgeKind = "future"
)

// Edge is a hand-over from one task to another: a value sent on a channel
// and received, or a future resolved and got.
type Edge struct {
	Kind EdgeKind
	// Obj names the channel or future ("chan#2").
	Obj      string
	From, To Point
}

// Mark is an event drawn as a mark on its task's lane.
type Mark struct {
	Point
	Kind string // the sim event kind: "spawn", "block", "op", "note", "select"...
	Text string
}

// Failure is what made a run fail.
type Failure struct {
	// Message is the failure, one paragraph.
	Message string
	// Point is where it happened: the failing task (-1 if the failure
	// belongs to no task, like a check after the run) and the step.
	Point
}

// Option configures Build.
type Option func(*Run)

// WithTitle names the run.
func WithTitle(title string) Option { return func(r *Run) { r.Title = title } }

// WithFailure records the run's failure: a *sim.Failure (found with
// errors.As) gives the failing task and step; any other error fails the
// task that panicked last, if any, at the run's last step.
func WithFailure(err error) Option {
	return func(r *Run) {
		if err == nil {
			return
		}
		f := &Failure{Message: err.Error(), Point: Point{Task: -1, Step: r.Steps, At: r.Elapsed}}
		var sf *sim.Failure
		if errors.As(err, &sf) {
			f.Task, f.Step, f.At = sf.Task, sf.Steps, sf.Time
		} else {
			for _, t := range r.Tasks {
				if t.Panicked {
					f.Task, f.Step, f.At = t.ID, t.End.Step, t.End.At
				}
			}
		}
		r.Failure = f
	}
}

// Build makes the model of a run from its trace and its span records
// (finished or not; MockTracer.FinishedRecords gives the finished ones, and
// any tracer's check.Recorder gives them too).
func Build(tr *sim.Trace, spans []*mocktracer.SpanRecord, opts ...Option) *Run {
	r := &Run{Epoch: tr.Epoch()}
	for _, t := range tr.Tasks() {
		r.Tasks = append(r.Tasks, Task{ID: t.ID, Parent: t.Parent, Name: t.Name, End: Point{Task: t.ID, Step: -1}})
	}
	evs := tr.Events()
	type interval struct{ begin, end *sim.Event }
	intervals := map[uint64]*interval{}
	running := -1
	closeStretch := func(step int) {
		if running >= 0 && running < len(r.Tasks) {
			st := &r.Tasks[running].Running
			(*st)[len(*st)-1].To = max(step, (*st)[len(*st)-1].From)
		}
	}
	cb := newChanBook()
	futures := map[string][]Point{} // resolve points by future
	for i := range evs {
		e := &evs[i]
		p := Point{Task: e.Task, Step: e.Step, At: e.At}
		r.Steps, r.Elapsed = max(r.Steps, e.Step), max(r.Elapsed, e.At)
		task := func() *Task {
			if e.Task >= 0 && e.Task < len(r.Tasks) {
				return &r.Tasks[e.Task]
			}
			return nil
		}
		switch e.Kind {
		case sim.EvDecide:
			d := Decision{Point: p, Kind: e.Text, Chosen: e.Arg, Of: e.N, Run: -1}
			if e.Text == sim.KindTask.String() {
				d.Run = e.Obj
			}
			r.Decisions = append(r.Decisions, d)
		case sim.EvRun:
			closeStretch(e.Step - 1)
			running = e.Task
			if t := task(); t != nil {
				t.Running = append(t.Running, Stretch{From: e.Step, To: e.Step})
			}
		case sim.EvSpawn:
			if e.Arg >= 0 && e.Arg < len(r.Tasks) {
				r.Tasks[e.Arg].Start = Point{Task: e.Task, Step: e.Step, At: e.At}
			}
			if e.Task >= 0 {
				r.Marks = append(r.Marks, Mark{Point: p, Kind: e.Kind.String(), Text: fmt.Sprintf("spawn %d", e.Arg)})
			}
		case sim.EvExit, sim.EvPanic:
			if t := task(); t != nil {
				t.End, t.Panicked = p, e.Kind == sim.EvPanic
			}
			if e.Task == running {
				closeStretch(e.Step)
				running = -1
			}
			if e.Kind == sim.EvPanic {
				r.Marks = append(r.Marks, Mark{Point: p, Kind: e.Kind.String(), Text: "panic " + e.Text})
			}
		case sim.EvBegin, sim.EvEnd:
			id := uint64(e.Arg)
			iv := intervals[id]
			if iv == nil {
				iv = &interval{}
				intervals[id] = iv
			}
			if e.Kind == sim.EvBegin {
				iv.begin = e
			} else if iv.end == nil {
				iv.end = e
			}
		case sim.EvOp, sim.EvSelect, sim.EvBlock, sim.EvNote:
			r.Marks = append(r.Marks, Mark{Point: p, Kind: e.Kind.String(), Text: e.What()})
			cb.event(i, e)
			if e.Kind == sim.EvOp {
				switch e.Text {
				case "resolve":
					futures[e.On] = append(futures[e.On], p)
				case "got":
					if from := futures[e.On]; len(from) > 0 {
						r.Edges = append(r.Edges, Edge{Kind: EdgeFuture, Obj: e.On, From: from[0], To: p})
					}
				}
			}
		}
	}
	closeStretch(r.Steps)
	r.Edges = append(r.Edges, cb.edges()...)
	slices.SortStableFunc(r.Edges, func(a, b Edge) int { return cmp.Compare(a.To.Step, b.To.Step) })

	// Spans: start and finish from the intervals the observer recorded.
	firstStep := func(at time.Duration) Point {
		for _, e := range evs {
			if e.At >= at {
				return Point{Task: -1, Step: e.Step, At: at}
			}
		}
		return Point{Task: -1, Step: r.Steps, At: at}
	}
	for _, sp := range spans {
		s := spanOf(sp, r.Epoch)
		s.Start, s.Finish = firstStep(s.Start.At), firstStep(s.Finish.At)
		if iv := intervals[sp.SpanID]; iv != nil {
			if iv.begin != nil {
				s.Start = Point{Task: iv.begin.Task, Step: iv.begin.Step, At: iv.begin.At}
			}
			if iv.end != nil {
				s.Finish = Point{Task: iv.end.Task, Step: iv.end.Step, At: iv.end.At}
			}
		}
		if !s.Finished {
			s.Finish = Point{Task: -1, Step: r.Steps, At: r.Elapsed}
		}
		r.Spans = append(r.Spans, s)
	}
	slices.SortStableFunc(r.Spans, func(a, b Span) int {
		return cmp.Or(cmp.Compare(a.Start.Step, b.Start.Step), cmp.Compare(a.SpanID, b.SpanID))
	})

	// Scope activations, in the order they began.
	for _, id := range slices.Sorted(maps.Keys(intervals)) {
		iv := intervals[id]
		if iv.begin == nil {
			continue
		}
		spanID, ok := simspans.ScopeInterval(id, iv.begin.Text)
		if !ok {
			continue
		}
		a := Activation{SpanID: spanID, Task: iv.begin.Task, Start: Point{Task: iv.begin.Task, Step: iv.begin.Step, At: iv.begin.At}, End: Point{Task: iv.begin.Task, Step: -1}}
		if iv.end != nil {
			a.End = Point{Task: iv.end.Task, Step: iv.end.Step, At: iv.end.At}
		}
		r.Scopes = append(r.Scopes, a)
	}
	slices.SortStableFunc(r.Scopes, func(a, b Activation) int { return cmp.Compare(a.Start.Step, b.Start.Step) })

	for _, o := range opts {
		o(r)
	}
	return r
}

// spanOf converts a span record, with its times as virtual times since
// epoch.
func spanOf(sp *mocktracer.SpanRecord, epoch time.Time) Span {
	s := Span{
		TraceID: sp.TraceID, SpanID: sp.SpanID, ParentID: sp.ParentID,
		Operation: sp.Operation, Finished: sp.Finished(),
		Start:  Point{At: sp.Start.Sub(epoch)},
		Finish: Point{At: sp.Finish.Sub(epoch)},
	}
	for _, ref := range sp.References {
		if ref.SpanID == 0 {
			continue // a foreign context names no span of this run
		}
		t := ChildOf
		if ref.Type == opentracing.FollowsFromRef {
			t = FollowsFrom
		}
		s.Refs = append(s.Refs, Ref{Type: t, TraceID: ref.TraceID, SpanID: ref.SpanID, SameTraceAsChild: ref.TraceID == sp.TraceID})
	}
	for _, k := range slices.Sorted(maps.Keys(sp.Tags)) {
		s.Tags = append(s.Tags, fieldOf(k, sp.Tags[k]))
	}
	for _, l := range sp.Logs {
		lg := Log{At: l.Timestamp.Sub(epoch)}
		for _, kv := range l.Fields {
			lg.Fields = append(lg.Fields, Field{Key: kv.Key, Type: fieldType(kv.ValueKind), Value: kv.ValueString})
		}
		s.Logs = append(s.Logs, lg)
	}
	return s
}

// fieldOf renders a tag value with its type.
func fieldOf(key string, v any) Field {
	switch x := v.(type) {
	case string:
		return Field{key, "string", x}
	case bool:
		return Field{key, "bool", strconv.FormatBool(x)}
	case int:
		return Field{key, "int64", strconv.Itoa(x)}
	case int8, int16, int32, int64, uint8, uint16, uint32:
		return Field{key, "int64", fmt.Sprint(x)}
	case float32:
		return Field{key, "float64", strconv.FormatFloat(float64(x), 'g', -1, 32)}
	case float64:
		return Field{key, "float64", strconv.FormatFloat(x, 'g', -1, 64)}
	case error:
		return Field{key, "string", x.Error()}
	}
	return Field{key, "string", fmt.Sprint(v)}
}

// fieldType maps a MockKeyValue's ValueKind to a Field type.
func fieldType(kind string) string {
	switch kind {
	case "bool", "int64", "float64":
		return kind
	case "int", "int32", "uint32":
		return "int64"
	case "float32":
		return "float64"
	}
	return "string" // uint64 may not fit int64; objects are text
}

// Task returns the task with this id, if there is one.
func (r *Run) Task(id int) (Task, bool) {
	if id >= 0 && id < len(r.Tasks) {
		return r.Tasks[id], true
	}
	return Task{}, false
}

// Span returns the span with this id, if there is one.
func (r *Run) Span(id uint64) (Span, bool) {
	for _, s := range r.Spans {
		if s.SpanID == id {
			return s, true
		}
	}
	return Span{}, false
}
