package sim

import (
	"bytes"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// The kinds of failure a run can end with. A [*Failure] wraps one of them:
// test with errors.Is.
var (
	// ErrPanic occurs when a task panics or calls runtime.Goexit (as
	// t.FailNow does).
	ErrPanic = errors.New("sim: task panicked")
	// ErrDeadlock occurs when no task can run and no timer is pending
	// while the root task has not returned.
	ErrDeadlock = errors.New("sim: deadlock")
	// ErrLivelock occurs when a run exceeds its step bound ([WithMaxSteps]).
	ErrLivelock = errors.New("sim: step bound exceeded")
	// ErrLeak occurs when the root task has returned and the tasks left can
	// never end: all are blocked and no timer is pending.
	ErrLeak = errors.New("sim: leaked tasks")
	// ErrDivergence occurs when the run and its strategy disagree: a
	// replayed schedule does not fit the run (a choice out of range, a
	// schedule too short or too long: the code under test changed, or
	// escapes the scheduler, e.g. by reading the wall clock), or a
	// strategy answered out of range or panicked.
	ErrDivergence = errors.New("sim: run diverged from its strategy")
)

// Failure is the error of a failed run. It carries everything needed to
// reproduce it: the seed and strategy, and the schedule, which replays the
// run exactly through [Replay].
type Failure struct {
	// Err is the kind: ErrPanic, ErrDeadlock, ErrLivelock, ErrLeak or
	// ErrDivergence.
	Err error
	// Seed is the seed of the strategy, if it has one.
	Seed uint64
	// Strategy is the name of the strategy that made the decisions.
	Strategy string
	// Schedule replays the run up to the failure.
	Schedule string
	// Steps is the number of scheduling points passed.
	Steps int
	// Preemptions is the number of task decisions up to the failure that
	// switched away from a task that could have gone on. For a schedule
	// that [Shrink] minimised, it is an empirical depth of the bug.
	Preemptions int
	// Time is the virtual time elapsed.
	Time time.Duration
	// Task is the id of the task that failed (ErrPanic), else -1.
	Task int
	// TaskName is that task's name.
	TaskName string
	// Value is the panic value (ErrPanic), nil for runtime.Goexit.
	Value any
	// Stack is the failing task's stack (ErrPanic).
	Stack string
	// Message is a one-line description of what went wrong.
	Message string
	// Report is the multi-line human report: what went wrong, every task
	// and what it waits on, the stacks, and how to replay.
	Report string
	// CalibrationRun reports a failure of a calibration run ([Calibrate])
	// rather than of a seed, one that did not repeat itself
	// (ErrNondeterminism) or one no seed's run had: no seed of the
	// exploration names it (Seed is 0); Schedule replays it.
	CalibrationRun bool
}

// Error returns one paragraph: what went wrong, the seed, strategy and
// schedule, and how to replay. A schedule longer than
// [MaxPrintedSchedule] bytes is not printed, only its length: replay it
// from Failure.Schedule, or by seed.
func (f *Failure) Error() string {
	replay := fmt.Sprintf("replay with sim.Replay(%q) or -sim.schedule=%s", f.Schedule, f.Schedule)
	if len(f.Schedule) > MaxPrintedSchedule {
		replay = fmt.Sprintf("replay with sim.Replay(f.Schedule), the %s (too long to print), or by seed", scheduleSize(f.Schedule))
	}
	return fmt.Sprintf("%v: %s (strategy %s, seed %d, %d steps, virtual time +%v); %s",
		f.Err, f.Message, f.Strategy, f.Seed, f.Steps, f.Time, replay)
}

// MaxPrintedSchedule is the longest schedule string a failure's text
// ([Failure.Error], [Failure.Report], [Check]'s report) prints: a run of
// thousands of tasks that livelocks can have a schedule of tens of
// megabytes, which no log should carry. Longer ones are in
// [Failure.Schedule], and a seed replays them as well.
const MaxPrintedSchedule = 4096

// scheduleSize describes a schedule too long to print.
func scheduleSize(schedule string) string {
	return fmt.Sprintf("%d-byte schedule in Failure.Schedule", len(schedule))
}

// Unwrap returns the kind of failure.
func (f *Failure) Unwrap() error { return f.Err }

// fail records the run's first failure.
func (s *Sim) fail(kind error, t *Task, value any, stack, msg string) {
	if s.failure != nil {
		return
	}
	f := &Failure{
		Err:         kind,
		Strategy:    s.strategy.Name(),
		Steps:       s.steps,
		Preemptions: s.preemptions,
		Time:        s.now,
		Task:        -1,
		Value:       value,
		Stack:       stack,
		Message:     msg,
	}
	if sd, ok := s.strategy.(Seeded); ok {
		f.Seed = sd.Seed()
	}
	if t != nil {
		f.Task, f.TaskName = t.id, t.name
	}
	s.failure = f
	f.Schedule = s.failureSchedule()
	f.Report = s.report(f)
	s.firstFailure.Store(f) // for the stall watchdog, once complete
}

// failureSchedule is the schedule a failure prints: the decisions made,
// or, when a replayed schedule did not fit the run, the schedule given (the
// prefix that ran would replay to a pass, hiding the divergence).
func (s *Sim) failureSchedule() string {
	if r, ok := s.strategy.(*replayStrategy); ok && s.failure != nil && s.failure.Err == ErrDivergence && s.strategyPanic == nil {
		return r.schedule
	}
	return EncodeSchedule(s.choices.all())
}

// failBlocked reports a deadlock (root still alive) or a leak.
func (s *Sim) failBlocked() {
	var ts []*Task
	for _, t := range s.tasks {
		if t.state == stateBlocked {
			ts = append(ts, t)
		}
	}
	var blocked []string
	what := func(t *Task) (string, string) { return "waits in " + t.waitOp, t.waitObj.describe() }
	eachLine(ts, what, func(t *Task, g *taskGroup) {
		if g == nil {
			label, obj := what(t)
			blocked = append(blocked, fmt.Sprintf("%s %s %s", t, label, obj))
			return
		}
		blocked = append(blocked, g.who()+" "+g.what("wait in "+t.waitOp))
	})
	if s.tasks[0].state == stateDone {
		s.fail(ErrLeak, nil, nil, "", fmt.Sprintf("the root returned but %d task(s) can never end: %s", len(ts), strings.Join(blocked, ", ")))
		return
	}
	s.fail(ErrDeadlock, nil, nil, "", fmt.Sprintf("no task can run and no timer is pending: %s", strings.Join(blocked, ", ")))
}

// report renders the multi-line report of a failure.
func (s *Sim) report(f *Failure) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%v: %s\n", f.Err, f.Message)
	fmt.Fprintf(&b, "strategy %s, seed %d, %d steps, %d decisions, virtual time +%v\n", f.Strategy, f.Seed, f.Steps, s.choices.len(), f.Time)
	b.WriteString("tasks:\n")
	stacks := goroutineStacks()
	stackOf := func(t *Task) (string, bool) {
		if t.state != stateBlocked || t.goid == 0 {
			return "", false
		}
		st, ok := stacks[t.goid]
		return st, ok
	}
	what := func(t *Task) (string, string) {
		if t.id == f.Task && errors.Is(f.Err, ErrPanic) {
			// It ended by failing: the report is about it.
			if f.Value == nil && f.Stack == "" {
				return "exited (runtime.Goexit)", ""
			}
			return "panicked", ""
		}
		if t.state == stateBlocked {
			return "blocked in " + t.waitOp, t.waitObj.describe()
		}
		return t.stateString(), ""
	}
	eachLine(s.tasks, what, func(t *Task, g *taskGroup) {
		if g == nil {
			label, obj := what(t)
			if obj != "" {
				label += " " + obj
			}
			fmt.Fprintf(&b, "  %s: %s\n", t, label)
			if st, ok := stackOf(t); ok {
				b.WriteString(indent(st, "      "))
			}
			return
		}
		fmt.Fprintf(&b, "  %s: %s\n", g.who(), g.what(g.label))
		writeGroupStacks(&b, g, stackOf)
	})
	if f.Stack != "" {
		fmt.Fprintf(&b, "stack of %s %q:\n%s", "task "+strconv.Itoa(f.Task), f.TaskName, indent(f.Stack, "      "))
	}
	if len(f.Schedule) > MaxPrintedSchedule {
		fmt.Fprintf(&b, "replay: sim.Run(root, sim.WithStrategy(sim.Replay(f.Schedule))), the %s (too long to print), or by seed\n", scheduleSize(f.Schedule))
	} else {
		fmt.Fprintf(&b, "replay: sim.Run(root, sim.WithStrategy(sim.Replay(%q)))\n", f.Schedule)
	}
	return b.String()
}

func (t *Task) stateString() string {
	switch t.state {
	case stateRunnable:
		return "runnable"
	case stateRunning:
		return "running"
	case stateBlocked:
		return fmt.Sprintf("blocked in %s %s", t.waitOp, t.waitObj.describe())
	case stateDone:
		return "ended"
	}
	return "unknown"
}

// allStacks returns runtime.Stack of every goroutine, whole.
func allStacks() []byte {
	buf := make([]byte, 1<<16)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			return buf[:n]
		}
		buf = make([]byte, 2*len(buf))
	}
}

// goroutineStacks returns the stack of every goroutine, by id.
func goroutineStacks() map[int64]string {
	out := make(map[int64]string)
	for _, g := range bytes.Split(allStacks(), []byte("\n\n")) {
		head, _, _ := bytes.Cut(g, []byte("\n"))
		fields := bytes.Fields(head)
		if len(fields) < 2 || string(fields[0]) != "goroutine" {
			continue
		}
		id, err := strconv.ParseInt(string(fields[1]), 10, 64)
		if err != nil {
			continue
		}
		out[id] = trimSchedulerFrames(string(g))
	}
	return out
}

// trimSchedulerFrames keeps the frames of the user's code: it drops the
// goroutine header and the frames from the point where the task parks.
func trimSchedulerFrames(g string) string {
	lines := strings.Split(g, "\n")
	if len(lines) > 0 {
		lines = lines[1:]
	}
	// Frames come in pairs (function, file:line). Skip leading pairs that
	// belong to the runtime, iter and sim's parking machinery.
	i := 0
	for i+1 < len(lines) {
		fn := lines[i]
		if strings.HasPrefix(fn, "runtime.") || strings.HasPrefix(fn, "runtime/debug.") || strings.HasPrefix(fn, "panic(") ||
			strings.HasPrefix(fn, "iter.") || isInternalFrame(fn) {
			i += 2
			continue
		}
		break
	}
	lines = lines[i:]
	// Drop the frames below the task's function: the spawn closure, the
	// coroutine and iter.Pull.
	for j := 0; j < len(lines); j += 2 {
		fn := lines[j]
		if isInternalFrame(fn) || strings.HasPrefix(fn, "iter.") || strings.HasPrefix(fn, "created by iter.") ||
			strings.Contains(fn, "/sim.Run.func") {
			lines = lines[:j]
			break
		}
	}
	for j, l := range lines {
		lines[j] = stableFrame(l)
	}
	return strings.Join(lines, "\n") + "\n"
}

// stableFrame drops what varies between two runs of the same schedule from
// a line of a stack trace: the argument words of a function line (pointers
// mostly: "f(0xc000012345, 0x2)" becomes "f(...)") and the program-counter
// offset of a file line (" +0x1d"), so that a failure's report is
// byte-identical on every replay.
func stableFrame(line string) string {
	if strings.HasPrefix(line, "\t") {
		if i := strings.LastIndex(line, " +0x"); i >= 0 {
			return line[:i]
		}
		return line
	}
	if !strings.HasSuffix(line, ")") {
		return line
	}
	i := strings.LastIndex(line, "(")
	if i < 0 || i == len(line)-2 || strings.Trim(line[i+1:len(line)-1], "0123456789abcdefx, .?{}") != "" {
		return line
	}
	return line[:i] + "(...)"
}

func indent(s, prefix string) string {
	s = strings.TrimRight(s, "\n")
	return prefix + strings.ReplaceAll(s, "\n", "\n"+prefix) + "\n"
}

// isInternalFrame reports whether a stack frame's function is sim's own
// unexported machinery (parking, picking, reporting) or the coroutine switch.
func isInternalFrame(fn string) bool {
	const pkg = "github.com/tracebed/tracebed/sim."
	if strings.Contains(fn, "/sim/internal/") {
		return true
	}
	i := strings.Index(fn, pkg)
	if i < 0 {
		return false
	}
	name := fn[i+len(pkg):]
	if strings.HasPrefix(name, "(") {
		_, after, ok := strings.Cut(name, ").")
		if !ok {
			return false
		}
		name = after
	}
	return name != "" && name[0] >= 'a' && name[0] <= 'z'
}
