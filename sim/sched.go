package sim

import (
	"fmt"
	"runtime"
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

	tasks    []*Task
	runq     runSet         // runnable tasks waiting to run (never s.cur)
	observer runSetWatcher  // the strategy, if it keeps its own view of runq
	cur      *Task          // the task running now, nil in the scheduler
	home     coro.Home      // the scheduler's goroutine, which resumes tasks
	live     int            // tasks not yet ended
	idle     []*coro.Coro   // coroutines whose task returned, for new tasks
	pool     *GoroutinePool // where idle coroutines come from and go to, if set

	now    time.Duration // virtual time since epoch
	timers timerHeap
	tseq   int

	watches []*ctxWatch // waits on done channels, polled every step

	objects     int
	steps       int
	stepLimit   int        // past it, overStepBound has a livelock to report
	tracing     bool       // events are recorded (not WithoutTrace)
	choices     *choiceLog // from choiceLogs, handed back by release
	taskDecs    int        // decisions among two or more tasks (PCT's k)
	preemptions int
	trace       *Trace
	open        map[uint64]string // the labels of open intervals (Begin)
	failure     *Failure
	aborting    bool
	// resumes counts resumes of tasks, and steps after which the same task
	// goes on, for the stall watchdog: it is bumped after s.cur is set, so
	// the watchdog may read s.cur.
	resumes atomic.Uint64
	// curGoid is the goroutine id of s.cur (0 before its first start),
	// published for the stall watchdog, which looks at that goroutine's
	// state: s.cur.goid is written by the task's own goroutine.
	curGoid atomic.Int64
	// firstFailure is s.failure, published for the stall watchdog.
	firstFailure atomic.Pointer[Failure]
	// strategyPanic holds the value the strategy panicked with, to be
	// re-raised by Run.
	strategyPanic *any

	dec Decision // scratch, reused for every decision
	due []*timer // the timers due at dueAt, in creation order
	// dueLeft holds the positions in due of the timers not fired yet;
	// dueValid says due and dueLeft are those of dueAt (adding a timer due
	// now or stopping a due one clears it).
	dueLeft  runSet
	dueValid bool
	dueAt    time.Duration

	// Inline room for the tasks and idle coroutines of small runs, which
	// then allocate no slice for them.
	tasksBuf [8]*Task
	idleBuf  [8]*coro.Coro
}

// runSetWatcher is implemented by strategies that keep their own view of
// the runnable tasks waiting to run (PCT's priority heap), so that a
// decision costs them O(log n) rather than a walk over the options. The
// scheduler calls added when a task enters s.runq and removed when it
// leaves.
type runSetWatcher interface {
	added(id int)
	removed(id int)
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
		choices:  choiceLogs.Get().(*choiceLog),
		pool:     cfg.pool,
	}
	s.observer, _ = cfg.strategy.(runSetWatcher)
	s.tasks, s.idle = s.tasksBuf[:0], s.idleBuf[:0]
	s.trace.tasks = s.trace.taskBuf[:0]
	s.dec.set = &s.runq
	s.tracing = !cfg.noTrace
	s.stepLimit = DefaultMaxSteps
	if cfg.maxSteps > 0 {
		s.stepLimit = cfg.maxSteps
	}
	if !cfg.noTrace {
		s.trace.events = make([]Event, 0, 32)
	}
	return s
}

// release hands the run's recyclable buffers back, once the Result is made.
func (s *Sim) release() {
	s.choices.reset()
	choiceLogs.Put(s.choices)
	s.choices = nil
}

// spawn creates a runnable task. It is not a scheduling point.
func (s *Sim) spawn(name string, f func(), locals map[*localKey]any, parent int) *Task {
	t := &Task{s: s, id: len(s.tasks), name: name, parent: parent, locals: locals, state: stateRunnable}
	t.body = func(*coro.Coro) {
		t.goid = goid.Get()
		s.curGoid.Store(t.goid)
		f()
	}
	s.tasks = append(s.tasks, t)
	s.live++
	s.progress()
	s.addRunnable(t)
	s.trace.addTask(t)
	s.record(Event{Kind: EvSpawn, Task: parent, Arg: t.id})
	return t
}

// start gives task t, about to run for the first time, a coroutine: one
// whose task returned if there is one, so that a run of many short tasks
// needs few goroutines, and none for the tasks that have not started.
func (s *Sim) start(t *Task) {
	if n := len(s.idle); n > 0 {
		t.co = s.idle[n-1]
		s.idle = s.idle[:n-1]
		t.co.Reuse(t.body)
	} else if co := s.pool.getIf(); co != nil {
		t.co = co
		co.Reuse(t.body)
	} else {
		t.co = coro.New(t.body)
	}
	t.body = nil
}

// loop is the scheduler: it resumes a task, and gets the turn back when a
// task ends or the run is over (tasks hand the turn to one another
// directly at scheduling points). Then it unwinds every task.
func (s *Sim) loop() {
	next := s.pick(nil, false)
	for next != nil {
		s.enter(next)
		_, out := s.home.Resume(next.co)
		if out == coro.Yielded {
			break // a task's step found the run over
		}
		s.ended(s.cur, out)
		if s.failure != nil {
			break
		}
		next = s.pick(nil, false)
	}
	s.cur = nil
	s.settle()
	s.unwind()
}

// enter makes t the running task, just before the turn is handed to it.
func (s *Sim) enter(t *Task) {
	if t.co == nil {
		s.start(t)
	}
	s.cur, t.state = t, stateRunning
	s.curGoid.Store(t.goid)
	s.resumes.Add(1)
}

// settle puts every goroutine that direct switches moved back into its own
// coroutine's slot, so that it can be stopped or go to the pool.
func (s *Sim) settle() {
	for _, t := range s.tasks {
		if t.co != nil {
			s.home.Settle(t.co)
		}
	}
	for _, co := range s.idle {
		s.home.Settle(co)
	}
}

// ended records the end of task t, which resumed with outcome out.
func (s *Sim) ended(t *Task, out coro.Outcome) {
	t.state = stateDone
	s.live--
	s.progress()
	s.cur = nil
	s.remove(t)
	if out == coro.Returned && !s.aborting {
		s.idle = append(s.idle, t.co) // its goroutine serves the next task
		t.co = nil
	}
	for _, j := range t.joiners {
		s.wake(j)
	}
	t.joiners = nil
	switch out {
	case coro.Panicked:
		v, stack := t.co.Panic()
		if _, ok := v.(unwindSignal); ok || s.aborting {
			break
		}
		s.record(Event{Kind: EvPanic, Task: t.id, Text: fmt.Sprint(v)})
		s.fail(ErrPanic, t, v, trimSchedulerFrames(string(stack)), fmt.Sprintf("%s panicked: %s", t, clipText(fmt.Sprint(v))))
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
		if t.co == nil {
			// Never started (it has no defers to run), or ended with its
			// coroutine gone to s.idle.
			if t.state != stateDone {
				t.state = stateDone
				s.live--
			}
			continue
		}
		for i := 0; t.state != stateDone && i < 100; i++ {
			s.enter(t)
			if _, out := s.home.Resume(t.co); out != coro.Yielded {
				t.state = stateDone
				s.live--
			}
		}
		s.cur = nil
		t.co.Stop()
	}
	// No goroutine is the running task's any more: a call through this
	// Sim from a later run's task on a pooled goroutine must panic too.
	s.curGoid.Store(0)
	if s.pool != nil {
		s.pool.put(s.idle)
	} else {
		for _, co := range s.idle {
			co.Stop()
		}
	}
	s.idle = nil
}

// mustCur returns the running task, panicking with [notATask]'s message if
// called from anything else: from outside the simulation (another
// goroutine, or after Run returned), or from a goroutine that is not the
// running task's (a bare go statement in a task), which would otherwise
// run beside the task unscheduled and corrupt the run without a word.
// Every exported primitive calls it (directly or through a scheduling
// point) before it touches any state.
//
// It tells the running task's goroutine by s.curGoid, read atomically,
// so that a call from another goroutine while the run goes on is not a
// data race of its own.
func (s *Sim) mustCur(what string) *Task {
	if s.curGoid.Load() != goid.Get() {
		notATaskPanic(what)
	}
	return s.cur
}

// notATaskPanic is mustCur's panic, apart to keep mustCur small.
func notATaskPanic(what string) { panic(notATask(what)) }

// notATask is the message every primitive panics with when called from a
// goroutine that is not a task of its simulation.
func notATask(what string) string {
	return "sim: " + what + " called from a goroutine that is not a task of the simulation (a go statement in a task, or a call after Run returned? start tasks with Sim.Go)"
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
	s.mustCur("Sim.Yield") // before the op is recorded
	s.op("yield", "")
	s.point(true)
}

// Steps returns the number of scheduling points passed so far.
func (s *Sim) Steps() int {
	s.mustCur("Sim.Steps")
	return s.steps
}

// point is a scheduling point after which the current task can go on.
//
// point and block switch tasks themselves rather than through helpers:
// after a switch, the resumed task returns through every frame between
// its coroutine switch and the primitive it called, and each of those
// returns is mispredicted, as the switch changed stacks.
func (s *Sim) point(yielding bool) {
	t := s.mustCur("a scheduling point")
	if s.aborting {
		abortTask()
	}
	t.state = stateRunnable
	next := s.pick(t, yielding)
	if next == t {
		t.state = stateRunning
		s.resumes.Add(1) // no switch, but progress for the stall watchdog
		return
	}
	if t.state == stateRunnable {
		s.addRunnable(t)
	}
	if next == nil {
		if !t.co.Yield() { // the run is over
			panic(unwindSignal{})
		}
	} else {
		s.enter(next)
		if !t.co.SwitchTo(next.co) {
			panic(unwindSignal{})
		}
	}
	if s.aborting {
		abortTask()
	}
}

// block parks the current task until some other task or timer wakes it.
// Callers loop: `for !cond { s.block(...) }`.
func (s *Sim) block(op string, on describer) {
	t := s.mustCur("a blocking operation")
	if s.aborting {
		abortTask()
	}
	t.state, t.waitOp, t.waitObj = stateBlocked, op, on
	if s.tracing {
		s.recordBlock(t, op, on)
	}
	next := s.pick(t, false)
	if next == t {
		t.state = stateRunning // a timer woke it in this step
		s.resumes.Add(1)
		return
	}
	if t.state == stateRunnable {
		s.addRunnable(t)
	}
	if next == nil {
		if !t.co.Yield() { // the run is over
			panic(unwindSignal{})
		}
	} else {
		s.enter(next)
		if !t.co.SwitchTo(next.co) {
			panic(unwindSignal{})
		}
	}
	if s.aborting {
		abortTask()
	}
}

// recordBlock records that t blocks in op on on.
func (s *Sim) recordBlock(t *Task, op string, on describer) {
	ev := Event{Kind: EvBlock, Task: t.id, Text: op, On: on.label()}
	if w, ok := on.(sleepWait); ok {
		ev.Arg = int(w.until)
	}
	s.record(ev)
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
	if s.runq.add(t.id) && s.observer != nil {
		s.observer.added(t.id)
	}
}

func (s *Sim) remove(t *Task) {
	if s.runq.remove(t.id) && s.observer != nil {
		s.observer.removed(t.id)
	}
}

// pick is the heart of the scheduler: one step. It fires timers while
// nothing can run, offers due timers as a decision while something can,
// detects deadlocks, leaks and the step bound, and lets the strategy
// choose among the runnable tasks. cur is the task at the scheduling
// point, if any (runnable if it can go on). It returns nil when the run is
// over (all tasks ended, or s.failure is set). Every part of a step costs
// O(log n) in the number of tasks.
//
// A step with no watch, no due timer and a task that can run (nearly
// every step) takes the fast path: a few comparisons, then the strategy.
func (s *Sim) pick(cur *Task, yielding bool) *Task {
	s.steps++
	curOK := cur != nil && cur.state == stateRunnable
	if s.steps > s.stepLimit || len(s.watches) > 0 || (s.runq.n == 0 && !curOK) ||
		(len(s.timers) > 0 && s.timers[0].when <= s.now) {
		if !s.prepare(cur) {
			return nil
		}
		curOK = cur != nil && cur.state == stateRunnable
	}
	n := s.runq.n
	if n == 0 {
		return cur // curOK: the only task that can run
	}
	d := &s.dec
	if !curOK {
		if n == 1 {
			return s.run(s.tasks[s.runq.first()])
		}
		d.Kind, d.N, d.Current, d.Yielding, d.rule = KindTask, n, -1, false, preemptNone
	} else {
		d.Kind, d.N, d.Current, d.Yielding, d.rule = KindTask, n+1, cur.id, yielding, preemptAllButFirst
		if yielding {
			d.rule = preemptYield
		}
	}
	s.taskDecs++
	i := s.decide(d)
	if i < 0 {
		return nil
	}
	id := d.task(i)
	if id == d.Current {
		return cur
	}
	return s.run(s.tasks[id])
}

// run takes t, chosen to run next, out of the waiting tasks.
func (s *Sim) run(t *Task) *Task {
	s.remove(t)
	if s.tracing {
		s.record(Event{Kind: EvRun, Task: t.id})
	}
	return t
}

// prepare is the slow part of a step: the step bound, watches, timers,
// and waiting for a task to become runnable. It reports false when the
// run is over.
func (s *Sim) prepare(cur *Task) bool {
	if s.overStepBound() {
		return false
	}
	s.pollWatches()
	curOK := cur != nil && cur.state == stateRunnable
	for s.runq.n == 0 && !curOK {
		if s.live == 0 {
			return false
		}
		if !s.fireTimer(false) {
			s.failBlocked()
			return false
		}
		if s.failure != nil {
			return false
		}
		s.pollWatches()
	}
	// A timer due now is a choice at every scheduling point, not only when
	// every task is blocked, so that a task polling a due deadline cannot
	// starve it.
	for len(s.timers) > 0 && s.timers[0].when <= s.now {
		if !s.fireTimer(true) {
			break // the strategy let the tasks run first
		}
		if s.failure != nil {
			return false
		}
		s.pollWatches()
	}
	if cur != nil && s.runq.has(cur.id) {
		s.remove(cur) // a timer woke it during this step: it goes on as cur
	}
	return true
}

// progress records that a task started or ended: the default step bound
// counts steps from there.
func (s *Sim) progress() {
	if s.maxSteps == 0 {
		s.stepLimit = s.steps + DefaultMaxSteps
	}
}

// overStepBound fails the run if it passed its step bound: the total of
// [WithMaxSteps], or by default [DefaultMaxSteps] scheduling points in a
// row in which no task started or ended, which is what a livelock is (a
// run of many short tasks is not one).
func (s *Sim) overStepBound() bool {
	if s.steps <= s.stepLimit {
		return false
	}
	if s.maxSteps > 0 {
		s.fail(ErrLivelock, nil, nil, "", fmt.Sprintf("the run passed %d scheduling points without ending%s", s.maxSteps, livelockHint))
	} else {
		s.fail(ErrLivelock, nil, nil, "", fmt.Sprintf("the run passed %d scheduling points in a row without a task starting or ending%s", DefaultMaxSteps, livelockHint))
	}
	return true
}

// livelockHint explains the livelock a polling loop makes on virtual time.
const livelockHint = " (if a task waits in a Yield loop for something a future instant brings, such as a deadline or a sleeping task, it never sees it come: virtual time moves only when no task can run; wait with Sleep, a timer, Select, WaitDone or Task.Wait instead)"

// decide asks the strategy, validates and records its answer. It returns
// -1 (with s.failure set) if the answer is out of range.
func (s *Sim) decide(d *Decision) int {
	d.Index = s.choices.len()
	i, ok := s.askStrategy(d)
	if !ok {
		return -1
	}
	if uint(i) >= uint(d.N) {
		s.badAnswer(d, i)
		return -1
	}
	s.choices.add(i)
	// At a chunk's end only, so that the test costs nothing per decision
	// (MaxScheduleDecisions is a multiple of choiceChunk).
	if s.choices.n%choiceChunk == 0 && s.choices.n >= maxRunDecisions {
		s.fail(ErrLivelock, nil, nil, "", fmt.Sprintf("the run made %d decisions, the most a schedule replays (MaxScheduleDecisions); bound it with WithMaxSteps, or make it smaller", s.choices.n))
		return -1
	}
	if d.Preempts(i) {
		s.preemptions++
	}
	if s.tracing {
		s.recordDecision(d, i)
	}
	return i
}

// badAnswer fails the run for the strategy's answer i, out of d's range.
func (s *Sim) badAnswer(d *Decision, i int) {
	msg := fmt.Sprintf("decision %d (%s among %d options): strategy %s answered %d", d.Index, d.Kind, d.N, s.strategy.Name(), i)
	if r, ok := s.strategy.(*replayStrategy); ok && r.err != nil {
		msg = r.err.Error()
	} else if ok && !r.lenient && r.pos > len(r.choices) {
		msg = fmt.Sprintf("decision %d (%s among %d options): the schedule ended after %d decisions; %s", d.Index, d.Kind, d.N, len(r.choices), divergenceCause)
	} else if ok {
		msg = fmt.Sprintf("decision %d (%s among %d options): the schedule says option %d; %s", d.Index, d.Kind, d.N, i, divergenceCause)
	} else if _, ok := s.strategy.(*dfsStrategy); ok {
		msg = fmt.Sprintf("decision %d (%s among %d options): an earlier run of the same prefix had option %d here; the scenario is nondeterministic (it escapes the scheduler: map iteration order, time.Now, math/rand, state shared between runs)", d.Index, d.Kind, d.N, i)
	}
	s.fail(ErrDivergence, s.cur, nil, "", msg)
}

// recordDecision records decision d's answer i in the trace.
func (s *Sim) recordDecision(d *Decision, i int) {
	// In the lane of the task at the scheduling point, even one that
	// blocked (d.Current is then -1).
	ev := Event{Kind: EvDecide, Task: s.taskID(), Arg: i, N: d.N, Text: d.Kind.String()}
	if d.Kind == KindTask {
		ev.Obj = d.Task(i)
	}
	s.record(ev)
}

// askStrategy calls the strategy. If it panics (rapid's Draw does, to
// steer its search), the run stops, every task unwinds, and Run re-raises
// the panic on its caller's goroutine.
//
// The recovery is a method with nothing captured, so that no variable
// escapes: a decision allocates nothing.
func (s *Sim) askStrategy(d *Decision) (int, bool) {
	defer s.recoverStrategy()
	return s.strategy.Choose(d), true // (0, false) if it panicked
}

// recoverStrategy is askStrategy's deferred call.
func (s *Sim) recoverStrategy() {
	if r := recover(); r != nil {
		s.strategyPanicked(r)
	}
}

func (s *Sim) strategyPanicked(r any) {
	s.strategyPanic = &r
	s.fail(ErrDivergence, s.cur, r, "", fmt.Sprintf("strategy %s panicked: %s", s.strategy.Name(), clipText(fmt.Sprint(r))))
}

// choose makes a non-task decision among n options (n may be 1).
func (s *Sim) choose(kind DecisionKind, n int) int {
	return s.chooseRule(kind, n, preemptNone)
}

// chooseRule is choose with the given preemption rule.
func (s *Sim) chooseRule(kind DecisionKind, n int, rule preemptRule) int {
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
	d := &s.dec
	d.Kind, d.N, d.Current, d.Yielding, d.rule = kind, n, cur, false, rule
	i := s.decide(d)
	if i < 0 {
		// The failure is recorded; unwind the task that asked.
		if s.cur != nil {
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
	s.mustCur("Sim.Intn")
	if n <= 0 {
		panic("sim: Intn of a non-positive number")
	}
	return s.choose(KindRand, n)
}

// record appends an event to the trace.
func (s *Sim) record(ev Event) {
	if !s.tracing {
		return
	}
	ev.Step, ev.At = s.steps, s.now
	s.trace.events = append(s.trace.events, ev)
}

// op records that the current task did operation what on object on.
func (s *Sim) op(what, on string) {
	if s.tracing && s.cur != nil {
		s.recordOp(what, on)
	}
}

// recordOp is op's slow path, apart so that op is inlined.
func (s *Sim) recordOp(what, on string) {
	s.record(Event{Kind: EvOp, Task: s.cur.id, Text: what, On: on})
}

// Logf appends a note to the trace, in the current task's lane.
func (s *Sim) Logf(format string, args ...any) {
	s.mustCur("Sim.Logf")
	if !s.trace.on() {
		return
	}
	s.Annotate(fmt.Sprintf(format, args...))
}

// Annotate appends a note to the trace, in the current task's lane (or the
// scheduler's, outside a task).
func (s *Sim) Annotate(text string) {
	s.mustCur("Sim.Annotate")
	s.record(Event{Kind: EvNote, Task: s.taskID(), Text: text})
}

// Begin records that interval id opens, in the current task's lane: a
// stretch of the run with a meaning of its own (a span, a request, a
// transaction) that may close on another task. label names it in the
// timeline ("┌ label") and in the Chrome trace (an async slice). ids are
// the caller's; one must not be reused while its interval is open.
func (s *Sim) Begin(id uint64, label string) {
	s.mustCur("Sim.Begin")
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
	s.mustCur("Sim.End")
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
		Schedule:      EncodeSchedule(s.choices.all()),
		Strategy:      s.strategy.Name(),
		Steps:         s.steps,
		Decisions:     s.choices.len(),
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
		s.failure.Schedule = s.failureSchedule()
	}
	return r
}
