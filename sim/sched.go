package sim

import (
	"fmt"
	"runtime"
	"slices"
	"sync/atomic"
	"time"

	"github.com/petermattis/goid"
	"github.com/tracebed/tracebed/sim/internal/coro"
)

// Sim is one running simulation. Its methods, and those of the primitives
// created from it, may be called only from its tasks (the function given to
// [Run] and those started with [Sim.Go]), never from other goroutines and
// never after Run has returned.
type Sim struct {
	strategy Strategy
	epoch    time.Time
	maxSteps int

	tasks []*Task
	runq  []*Task // runnable tasks, in id order
	cur   *Task   // the task running now, nil in the scheduler
	next  *Task   // chosen by a task that parks, for the loop to resume
	live  int     // tasks not yet ended

	now    time.Duration // virtual time since epoch
	timers timerHeap
	tseq   int

	watches []*ctxWatch // waits on done channels, polled every step

	objects     int
	steps       int
	choices     []int
	taskDecs    int // decisions among two or more tasks (PCT's k)
	preemptions int
	trace       *Trace
	open        map[uint64]string // the labels of open intervals (Begin)
	failure     *Failure
	aborting    bool
	// resumes counts resumes of tasks, and steps after which the same task
	// goes on, for the stall watchdog: it is bumped after s.cur is set, so
	// the watchdog may read s.cur.
	resumes atomic.Uint64
	// strategyPanic holds the value the strategy panicked with, to be
	// re-raised by Run.
	strategyPanic *any

	dec  Decision // scratch, reused for every decision
	opts []int    // scratch for dec.Tasks
	cand []*Task  // scratch: the options as tasks
}

// unwindSignal is the panic value that unwinds a task's stack when its
// coroutine is stopped while suspended (Yield reports false): a Goexit
// there would be re-raised on the goroutine that called Stop. It is
// private, so user code cannot raise it, and recovered at the task
// boundary.
type unwindSignal struct{}

// abortTask ends the running task after a failure, when the scheduler
// resumes it to unwind: runtime.Goexit runs the task's defers, and, unlike
// a panic, no recover in user code can stop it, so a worker loop that
// recovers every panic cannot turn the unwinding into an endless loop. A
// scheduling point reached in a deferred call ends that call the same way.
func abortTask() { runtime.Goexit() }

func newSim(cfg config) *Sim {
	s := &Sim{
		strategy: cfg.strategy,
		epoch:    cfg.epoch,
		maxSteps: cfg.maxSteps,
		trace:    &Trace{epoch: cfg.epoch, off: cfg.noTrace},
		runq:     make([]*Task, 0, 8),
		choices:  make([]int, 0, 64),
	}
	if !cfg.noTrace {
		s.trace.events = make([]Event, 0, 32)
	}
	return s
}

// spawn creates a runnable task. It is not a scheduling point.
func (s *Sim) spawn(name string, f func(), locals map[*localKey]any, parent int) *Task {
	t := &Task{s: s, id: len(s.tasks), name: name, parent: parent, locals: locals, state: stateRunnable}
	t.co = coro.New(func(*coro.Coro) {
		if s.aborting {
			return
		}
		t.goid = goid.Get()
		f()
	})
	s.tasks = append(s.tasks, t)
	s.live++
	s.addRunnable(t)
	s.trace.addTask(t)
	s.record(Event{Kind: EvSpawn, Task: parent, Arg: t.id})
	return t
}

// loop is the scheduler: it resumes one task at a time until none is left or
// the run fails, then unwinds every task.
func (s *Sim) loop() {
	next := s.pick(nil, false)
	for next != nil {
		t := next
		s.cur, t.state = t, stateRunning
		s.resumes.Add(1)
		out := t.co.Resume()
		if out == coro.Yielded {
			next, s.next = s.next, nil
			continue
		}
		s.ended(t, out)
		if s.failure != nil {
			break
		}
		next = s.pick(nil, false)
	}
	s.cur = nil
	s.unwind()
}

// ended records the end of task t, which resumed with outcome out.
func (s *Sim) ended(t *Task, out coro.Outcome) {
	t.state = stateDone
	s.live--
	s.cur = nil
	s.remove(t)
	switch out {
	case coro.Panicked:
		v, stack := t.co.Panic()
		if _, ok := v.(unwindSignal); ok || s.aborting {
			break
		}
		s.record(Event{Kind: EvPanic, Task: t.id, Text: fmt.Sprint(v)})
		s.fail(ErrPanic, t, v, trimSchedulerFrames(string(stack)), fmt.Sprintf("%s panicked: %v", t, v))
		return
	case coro.Exited:
		if s.aborting {
			break
		}
		s.record(Event{Kind: EvPanic, Task: t.id, Text: "runtime.Goexit"})
		s.fail(ErrPanic, t, nil, "", fmt.Sprintf("%s called runtime.Goexit (t.FailNow or t.Fatal in a task?)", t))
		return
	}
	s.record(Event{Kind: EvExit, Task: t.id})
}

// unwind ends every task still alive: each resumes into [abortTask] (or,
// never started, returns at once), running its defers.
func (s *Sim) unwind() {
	s.aborting = true
	// By index: a deferred call may spawn a task while its task unwinds,
	// and that task must be ended (at once: it never starts) too.
	for i := 0; i < len(s.tasks); i++ {
		t := s.tasks[i]
		for i := 0; t.state != stateDone && i < 100; i++ {
			s.cur, t.state = t, stateRunning
			s.resumes.Add(1)
			if out := t.co.Resume(); out != coro.Yielded {
				t.state = stateDone
				s.live--
			}
		}
		s.cur = nil
		t.co.Stop()
	}
}

// mustCur returns the running task, panicking if called outside one: from
// outside the simulation, or from a goroutine that is not the running
// task's (a bare go statement in a task), which would otherwise run beside
// the task unscheduled and corrupt the run without a word.
func (s *Sim) mustCur(what string) *Task {
	t := s.cur
	if t == nil {
		panic("sim: " + what + " called outside a task of the simulation")
	}
	if t.goid != 0 && goid.Get() != t.goid {
		panic("sim: " + what + " called from a goroutine that is not a task of the simulation (a go statement in a task? start tasks with Sim.Go)")
	}
	return t
}

// Current returns the task running now.
func (s *Sim) Current() *Task { return s.mustCur("Current") }

// Go starts f in a new task named name and returns it. The new task starts
// with a copy of the spawner's inheritable [Local] values. Go is a scheduling
// point: the new task may run before Go returns.
func (s *Sim) Go(name string, f func()) *Task {
	p := s.mustCur("Go")
	t := s.spawn(name, f, inheritable(p.locals), p.id)
	s.point(false)
	return t
}

// goDetached starts a task from wherever the simulation is (a task or the
// scheduler, e.g. a timer), with the given locals. Not a scheduling point.
func (s *Sim) goDetached(name string, f func(), locals map[*localKey]any) *Task {
	parent := -1
	if s.cur != nil {
		parent = s.cur.id
	}
	return s.spawn(name, f, locals, parent)
}

// Yield is a scheduling point and nothing else: other tasks may run before
// it returns. Strategies may take the hint and prefer other tasks.
func (s *Sim) Yield() {
	s.op("yield", "")
	s.point(true)
}

// Steps returns the number of scheduling points passed so far.
func (s *Sim) Steps() int { return s.steps }

// point is a scheduling point after which the current task can go on.
func (s *Sim) point(yielding bool) {
	t := s.mustCur("a scheduling point")
	if s.aborting {
		abortTask()
	}
	t.state = stateRunnable
	s.addRunnable(t)
	s.switchFrom(t, yielding)
}

// block parks the current task until some other task or timer wakes it.
// Callers loop: `for !cond { s.block(...) }`.
func (s *Sim) block(op string, on describer) {
	t := s.mustCur("a blocking operation")
	if s.aborting {
		abortTask()
	}
	t.state, t.waitOp, t.waitObj = stateBlocked, op, on
	if s.trace.on() {
		ev := Event{Kind: EvBlock, Task: t.id, Text: op, On: on.label()}
		if w, ok := on.(sleepWait); ok {
			ev.Arg = int(w.until)
		}
		s.record(ev)
	}
	s.switchFrom(t, false)
}

// switchFrom lets the strategy choose who runs next and hands over to it.
func (s *Sim) switchFrom(t *Task, yielding bool) {
	next := s.pick(t, yielding)
	if next == t {
		t.state = stateRunning
		s.resumes.Add(1) // no switch, but progress for the stall watchdog
		return
	}
	s.next = next
	s.suspend(t)
}

// suspend hands control from the running task t back to the scheduler
// and returns when t is resumed: after a failure, to be ended instead.
func (s *Sim) suspend(t *Task) {
	if !t.co.Yield() {
		panic(unwindSignal{})
	}
	if s.aborting {
		abortTask()
	}
}

// wake makes a blocked task runnable again.
func (s *Sim) wake(t *Task) {
	if t.state != stateBlocked {
		return
	}
	t.state, t.waitOp, t.waitObj = stateRunnable, "", nil
	s.addRunnable(t)
}

func (s *Sim) addRunnable(t *Task) {
	i, found := slices.BinarySearchFunc(s.runq, t.id, func(x *Task, id int) int { return x.id - id })
	if !found {
		s.runq = slices.Insert(s.runq, i, t)
	}
}

func (s *Sim) remove(t *Task) {
	i, found := slices.BinarySearchFunc(s.runq, t.id, func(x *Task, id int) int { return x.id - id })
	if found {
		s.runq = slices.Delete(s.runq, i, i+1)
	}
}

// pick is the heart of the scheduler: one step. It fires timers while
// nothing can run, detects deadlocks, leaks and the step bound, and lets the
// strategy choose among the runnable tasks. cur is the task at the
// scheduling point, if any. It returns nil when the run is over (all tasks
// ended, or s.failure is set).
func (s *Sim) pick(cur *Task, yielding bool) *Task {
	s.steps++
	if s.steps > s.maxSteps {
		s.fail(ErrLivelock, nil, nil, "", fmt.Sprintf("the run passed %d scheduling points without ending", s.maxSteps))
		return nil
	}
	s.pollWatches()
	for len(s.runq) == 0 {
		if s.live == 0 {
			return nil
		}
		if !s.fireTimer() {
			s.failBlocked()
			return nil
		}
		if s.failure != nil {
			return nil
		}
		s.pollWatches()
	}
	s.cand = s.cand[:0]
	if cur != nil && cur.state == stateRunnable {
		s.cand = append(s.cand, cur)
	}
	for _, t := range s.runq {
		if t != cur {
			s.cand = append(s.cand, t)
		}
	}
	chosen := s.cand[0]
	if len(s.cand) > 1 {
		s.opts = s.opts[:0]
		for _, t := range s.cand {
			s.opts = append(s.opts, t.id)
		}
		curID := -1
		if cur != nil {
			curID = cur.id
		}
		s.dec = Decision{Kind: KindTask, N: len(s.cand), Tasks: s.opts, Current: curID, Yielding: yielding}
		s.taskDecs++
		i := s.decide(&s.dec)
		if i < 0 {
			return nil
		}
		chosen = s.cand[i]
	}
	s.remove(chosen)
	if chosen != cur {
		s.record(Event{Kind: EvRun, Task: chosen.id})
	}
	return chosen
}

// decide asks the strategy, validates and records its answer. It returns
// -1 (with s.failure set) if the answer is out of range.
func (s *Sim) decide(d *Decision) int {
	d.Index = len(s.choices)
	i, ok := s.askStrategy(d)
	if !ok {
		return -1
	}
	if i < 0 || i >= d.N {
		msg := fmt.Sprintf("decision %d (%s among %d options): strategy %s answered %d", d.Index, d.Kind, d.N, s.strategy.Name(), i)
		if r, ok := s.strategy.(*replayStrategy); ok && r.err != nil {
			msg = r.err.Error()
		} else if ok && !r.lenient && r.pos > len(r.choices) {
			msg = fmt.Sprintf("decision %d (%s among %d options): the schedule ended after %d decisions; the code under test no longer matches it", d.Index, d.Kind, d.N, len(r.choices))
		}
		s.fail(ErrDivergence, s.cur, nil, "", msg)
		return -1
	}
	s.choices = append(s.choices, i)
	if d.Preempts(i) {
		s.preemptions++
	}
	if s.trace.on() {
		ev := Event{Kind: EvDecide, Task: d.Current, Arg: i, N: d.N, Text: d.Kind.String()}
		if d.Kind == KindTask {
			ev.Obj = d.Tasks[i]
		}
		s.record(ev)
	}
	return i
}

// askStrategy calls the strategy. If it panics (rapid's Draw does, to
// steer its search), the run stops, every task unwinds, and Run re-raises
// the panic on its caller's goroutine.
func (s *Sim) askStrategy(d *Decision) (i int, ok bool) {
	defer func() {
		if r := recover(); r != nil {
			s.strategyPanic = &r
			s.fail(ErrDivergence, s.cur, r, "", fmt.Sprintf("strategy %s panicked: %v", s.strategy.Name(), r))
			ok = false
		}
	}()
	return s.strategy.Choose(d), true
}

// choose makes a non-task decision among n options (n may be 1).
func (s *Sim) choose(kind DecisionKind, n int) int {
	if s.aborting && s.cur != nil {
		// A deferred call of a task being unwound: no decision may follow
		// the failure, or the failing schedule would depend on it.
		abortTask()
	}
	if n <= 1 {
		return 0
	}
	cur := -1
	if s.cur != nil {
		cur = s.cur.id
	}
	s.dec = Decision{Kind: kind, N: n, Current: cur}
	i := s.decide(&s.dec)
	if i < 0 {
		// The failure is recorded; unwind the task that asked.
		if s.cur != nil {
			s.next = nil
			s.suspend(s.cur)
		}
		return 0
	}
	return i
}

// Intn returns a number in [0, n) drawn through the run's strategy, so that
// simulated randomness is recorded in the schedule and replays. It is not a
// scheduling point.
func (s *Sim) Intn(n int) int {
	if n <= 0 {
		panic("sim: Intn of a non-positive number")
	}
	return s.choose(KindRand, n)
}

// record appends an event to the trace.
func (s *Sim) record(ev Event) {
	if !s.trace.on() {
		return
	}
	ev.Step, ev.At = s.steps, s.now
	s.trace.events = append(s.trace.events, ev)
}

// op records that the current task did operation what on object on.
func (s *Sim) op(what, on string) {
	if s.trace.on() && s.cur != nil {
		s.record(Event{Kind: EvOp, Task: s.cur.id, Text: what, On: on})
	}
}

// Logf appends a note to the trace, in the current task's lane.
func (s *Sim) Logf(format string, args ...any) {
	if !s.trace.on() {
		return
	}
	s.Annotate(fmt.Sprintf(format, args...))
}

// Annotate appends a note to the trace, in the current task's lane (or the
// scheduler's, outside a task).
func (s *Sim) Annotate(text string) {
	s.record(Event{Kind: EvNote, Task: s.taskID(), Text: text})
}

// Begin records that interval id opens, in the current task's lane: a
// stretch of the run with a meaning of its own (a span, a request, a
// transaction) that may close on another task. label names it in the
// timeline ("┌ label") and in the Chrome trace (an async slice). ids are
// the caller's; one must not be reused while its interval is open.
func (s *Sim) Begin(id uint64, label string) {
	if !s.trace.on() {
		return
	}
	if s.open == nil {
		s.open = make(map[uint64]string)
	}
	s.open[id] = label
	s.record(Event{Kind: EvBegin, Task: s.taskID(), Arg: int(id), Text: label})
}

// End records that interval id closes, in the current task's lane
// ("└ label" in the timeline). Ending an interval that is not open is
// recorded too, without a label.
func (s *Sim) End(id uint64) {
	if !s.trace.on() {
		return
	}
	label := s.open[id]
	delete(s.open, id)
	s.record(Event{Kind: EvEnd, Task: s.taskID(), Arg: int(id), Text: label})
}

// taskID is the current task's id, -1 outside a task.
func (s *Sim) taskID() int {
	if s.cur != nil {
		return s.cur.id
	}
	return -1
}

func (s *Sim) result() *Result {
	r := &Result{
		Schedule:      EncodeSchedule(s.choices),
		Strategy:      s.strategy.Name(),
		Steps:         s.steps,
		Decisions:     len(s.choices),
		TaskDecisions: s.taskDecs,
		Preemptions:   s.preemptions,
		Tasks:         len(s.tasks),
		Elapsed:       s.now,
		Trace:         s.trace,
	}
	if sd, ok := s.strategy.(Seeded); ok {
		r.Seed = sd.Seed()
	}
	if s.failure == nil {
		if f, ok := s.strategy.(finisher); ok {
			if err := f.finish(); err != nil {
				s.fail(ErrDivergence, nil, nil, "", err.Error())
			}
		}
	}
	if s.failure != nil {
		s.failure.Schedule = r.Schedule
	}
	return r
}
