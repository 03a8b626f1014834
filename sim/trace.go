package sim

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"strings"
	"time"
)

// EventKind is the kind of a trace [Event].
type EventKind uint8

const (
	// EvSpawn: Task spawned task Arg (Task is -1 for the root and for
	// tasks started by timers outside any task).
	EvSpawn EventKind = iota + 1
	// EvExit: Task ended normally.
	EvExit
	// EvBlock: Task blocked; Text says on what.
	EvBlock
	// EvDecide: a decision: option Arg of N (Text is the decision kind;
	// for task decisions Obj is the chosen task). Task is the task at the
	// scheduling point, -1 if none.
	EvDecide
	// EvTimer: the timer created Arg-th fired.
	EvTimer
	// EvNote: a user annotation ([Sim.Logf], [Sim.Annotate]) in Text.
	EvNote
	// EvPanic: Task panicked (Text is the value) or called runtime.Goexit.
	EvPanic
	// EvRun: Task starts (or resumes) running after another task.
	EvRun
	// EvOp: Task did operation Text on object On (a Var access, a lock
	// taken or released, a value sent or received...).
	EvOp
	// EvBegin: Task opened interval uint64(Arg), labelled Text
	// ([Sim.Begin]).
	EvBegin
	// EvEnd: Task closed interval uint64(Arg) ([Sim.End]); Text is the label it
	// was opened with, empty if it was never opened.
	EvEnd
	// EvSelect: Task's [Sim.Select] went on with case Arg of its N cases;
	// Text is what the case did ("recv", "send" or "default") and On the
	// channel, empty for the default case.
	EvSelect
)

// String returns the kind's name as used in trace listings.
func (k EventKind) String() string {
	switch k {
	case EvSpawn:
		return "spawn"
	case EvExit:
		return "exit"
	case EvBlock:
		return "block"
	case EvDecide:
		return "decide"
	case EvTimer:
		return "timer"
	case EvNote:
		return "note"
	case EvPanic:
		return "panic"
	case EvRun:
		return "run"
	case EvOp:
		return "op"
	case EvBegin:
		return "begin"
	case EvEnd:
		return "end"
	case EvSelect:
		return "select"
	}
	return "unknown"
}

// Event is one entry of a [Trace].
type Event struct {
	// Step is the number of scheduling points passed when it happened.
	Step int
	// At is the virtual time since the start of the run.
	At time.Duration
	// Task is the task the event belongs to (its lane), -1 for the
	// scheduler.
	Task int
	// Kind says what happened.
	Kind EventKind
	// Arg, N and Obj are kind-specific numbers (see [EventKind]).
	Arg, N, Obj int
	// Text is kind-specific text (see [EventKind]).
	Text string
	// On, for EvBlock, names the object waited on ("mutex#2"); empty
	// for sleeps (Arg is then the wake-up time) and selects.
	On string
}

// String renders the event as one line: step, virtual time, task, and
// [Event.What].
func (e Event) String() string {
	return fmt.Sprintf("%5d +%-8v %3d  %s", e.Step, e.At, e.Task, e.What())
}

// What says what happened, in words: "spawn 2", "block recv chan#3",
// "select 1/2 recv chan#3"...
func (e Event) What() string {
	var what string
	switch e.Kind {
	case EvSpawn:
		what = fmt.Sprintf("spawn %d", e.Arg)
	case EvDecide:
		if e.Text == KindTask.String() {
			what = fmt.Sprintf("decide task: run %d (option %d of %d)", e.Obj, e.Arg, e.N)
		} else {
			what = fmt.Sprintf("decide %s: option %d of %d", e.Text, e.Arg, e.N)
		}
	case EvTimer:
		what = fmt.Sprintf("timer %d fires", e.Arg)
	case EvExit:
		what = "exit"
	case EvRun:
		what = "run"
	case EvOp:
		what = strings.TrimSpace(e.Text + " " + e.On)
	case EvSelect:
		what = "select " + selectText(e)
	case EvBegin:
		what = fmt.Sprintf("begin %d %s", uint64(e.Arg), e.Text)
	case EvEnd:
		what = strings.TrimSpace(fmt.Sprintf("end %d %s", uint64(e.Arg), e.Text))
	case EvBlock:
		what = "block " + e.Text
		switch {
		case e.On != "":
			what += " " + e.On
		case e.Text == "sleep":
			what += fmt.Sprintf(" until +%v", time.Duration(e.Arg))
		}
	default:
		what = e.Kind.String() + " " + e.Text
	}
	return what
}

// TaskInfo names a task of a trace.
type TaskInfo struct {
	// ID is the task's id: 0 for the root, then 1, 2... in spawn order.
	// It is the Task of the task's events.
	ID int
	// Parent is the id of the task that spawned it, -1 for the root and
	// for tasks started by timers outside any task.
	Parent int
	// Name is the name the task was spawned with ([Sim.Go],
	// [WaitGroup.Go], [NewLoop]...); "root" for the root task.
	Name string
}

// Trace is the record of one run: its tasks and events in order. It is
// complete once [Run] has returned.
type Trace struct {
	epoch  time.Time
	off    bool
	tasks  []TaskInfo
	events []Event

	taskBuf [8]TaskInfo // inline room for the tasks of small runs
}

func (tr *Trace) on() bool { return !tr.off }

func (tr *Trace) addTask(t *Task) {
	tr.tasks = append(tr.tasks, TaskInfo{ID: t.id, Parent: t.parent, Name: t.name})
}

// Epoch returns the wall-clock instant the run's virtual time starts from:
// [Sim.Now] is Epoch plus the virtual time elapsed, so a time taken from
// Sim.Now (a span's start, say) maps back to the run's virtual time.
func (tr *Trace) Epoch() time.Time { return tr.epoch }

// Events returns a copy of the events.
func (tr *Trace) Events() []Event { return append([]Event(nil), tr.events...) }

// Tasks returns a copy of the task list, in id order.
func (tr *Trace) Tasks() []TaskInfo { return append([]TaskInfo(nil), tr.tasks...) }

// String lists the events, one per line: step, virtual time, task, what.
func (tr *Trace) String() string {
	var b strings.Builder
	for _, e := range tr.events {
		b.WriteString(e.String())
		b.WriteByte('\n')
	}
	return b.String()
}

// Hash returns a stable 64-bit hash of the run: its tasks and events. Two
// runs with the same hash made the same decisions and saw the same events.
func (tr *Trace) Hash() uint64 {
	h := fnv.New64a()
	var buf [8]byte
	num := func(n int64) {
		binary.LittleEndian.PutUint64(buf[:], uint64(n))
		h.Write(buf[:])
	}
	for _, t := range tr.tasks {
		num(int64(t.ID))
		num(int64(t.Parent))
		h.Write([]byte(t.Name))
	}
	for _, e := range tr.events {
		num(int64(e.Step))
		num(int64(e.At))
		num(int64(e.Task))
		num(int64(e.Kind))
		num(int64(e.Arg))
		num(int64(e.N))
		num(int64(e.Obj))
		h.Write([]byte(e.Text))
		h.Write([]byte(e.On))
	}
	return h.Sum64()
}

// selected records that the current task's select went on with case i of
// n: which case won is what usually explains the run that follows.
func (s *Sim) selected(i, n int, c SelectCase) {
	if !s.trace.on() || s.cur == nil {
		return
	}
	what, on, _ := strings.Cut(c.describe(), " ")
	s.record(Event{Kind: EvSelect, Task: s.cur.id, Arg: i, N: n, Text: what, On: on})
}

// selectText renders an EvSelect short enough for a timeline lane:
// "1/3 recv chan#2" is case 1 of 3, a receive from chan#2.
func selectText(e Event) string {
	return fmt.Sprintf("%d/%d %s", e.Arg, e.N, strings.TrimSpace(e.Text+" "+e.On))
}
