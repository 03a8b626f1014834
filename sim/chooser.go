package sim

// DecisionKind says what a [Decision] chooses between.
type DecisionKind uint8

const (
	// KindTask chooses the next task to run among the runnable ones.
	KindTask DecisionKind = iota + 1
	// KindSelect chooses among the ready cases of a [Sim.Select].
	KindSelect
	// KindTimer chooses which of the timers due now fires first. A due
	// timer is a choice at every scheduling point: when tasks can run too,
	// the last option lets them run first (the timers staying due), and
	// choosing it counts as a preemption ([Decision.Preempts]).
	KindTimer
	// KindRand is a draw of simulated randomness ([Sim.Intn]).
	KindRand
	// KindCond chooses which of several tasks waiting on a [Cond] a
	// [Cond.Signal] wakes; option 0 is the longest-waiting one.
	KindCond
)

// String returns the kind's name as used in traces.
func (k DecisionKind) String() string {
	switch k {
	case KindTask:
		return "task"
	case KindSelect:
		return "select"
	case KindTimer:
		return "timer"
	case KindRand:
		return "rand"
	case KindCond:
		return "cond"
	}
	return "unknown"
}

// Decision is one nondeterministic choice of a run, handed to a [Strategy].
// Only choices between two or more options are decisions; forced moves are
// not shown to the strategy and not recorded in the schedule.
//
// A Decision is valid only during the call to [Strategy.Choose];
// strategies must not keep it.
type Decision struct {
	// Kind is what is being chosen.
	Kind DecisionKind
	// N is the number of options, at least 2. The strategy returns an index
	// in [0, N).
	N int
	// Current is the id of the task at the scheduling point if it can go
	// on running (it is then one of the options), or -1 if there is none
	// (it blocked or ended, or the scheduler itself decides).
	Current int
	// Yielding reports that Current called [Sim.Yield] and would rather
	// let others run.
	Yielding bool
	// Index is the number of decisions made before this one in the run.
	Index int

	rule preemptRule
	set  *runSet // for KindTask: the runnable tasks other than Current
}

// preemptRule says which options of a decision are preemptions: the
// choices that depart from the default (option 0) in a way a bounded
// search must count, so that it stays finite.
type preemptRule uint8

const (
	preemptNone preemptRule = iota
	// Option 0 is a current task that can go on: any other preempts it.
	preemptAllButFirst
	// The last option is a task that yielded, or letting the tasks run
	// before a due timer: choosing it goes against the yield, or delays
	// the timer.
	preemptLast
	// At a Yield: option 0 is the next task round the ring from the
	// yielder, the yielder itself is the last; any option but 0 preempts,
	// so that a search within a preemption bound hands the turn round the
	// ring and its tree of schedules is finite even when tasks take turns
	// in Yield loops (with the other tasks free, two of them could swap
	// turns forever at no cost while a third never ran).
	preemptYield
)

func (r preemptRule) preempts(i, n int) bool {
	switch r {
	case preemptAllButFirst, preemptYield:
		return i != 0
	case preemptLast:
		return i == n-1
	}
	return false
}

// Preempts reports whether choosing option i is a preemption: switching
// away from a current task that could have gone on running; at a
// [Sim.Yield], anything but the next task round the ring from the yielder
// (option 0; the yielder going on is the last option); or letting tasks
// run before a due timer (KindTimer's last option when tasks can run).
// Option 0 never preempts.
// Bounded search ([DFS]) bounds these choices; [Result.Preemptions]
// counts them.
func (d *Decision) Preempts(i int) bool { return d.rule.preempts(i, d.N) }

// Task returns, for a KindTask decision, the id of the task that option i
// runs. If the task at the scheduling point can go on running, it is
// option 0 (so choosing 0 never preempts), or, when it yields, option
// N-1; the other runnable tasks fill the other options in id order, or,
// at a Yield, in id order from the yielder's on, wrapping round (so that
// option 0 hands the turn round the tasks that take turns in Yield loops,
// instead of back and forth between two of them). It costs O(log n) in
// the number of tasks. For other kinds it returns -1.
func (d *Decision) Task(i int) int {
	if d.Kind != KindTask || i < 0 || i >= d.N {
		return -1
	}
	return d.task(i)
}

// task is Task for a KindTask decision and an option i in range, as the
// scheduler has them: rule is not preemptNone only when Current can go on.
func (d *Decision) task(i int) int {
	switch d.rule {
	case preemptAllButFirst:
		if i == 0 {
			return d.Current
		}
		i--
	case preemptYield:
		if i == d.N-1 {
			return d.Current
		}
		// From the yielder's id on: the above members first.
		below := d.set.rank(d.Current)
		if above := d.N - 1 - below; i < above {
			return d.set.kth(below + i)
		} else {
			return d.set.kth(i - above)
		}
	}
	return d.set.kth(i)
}

// option is the inverse of Task: the option that runs task id, which must
// be one of the decision's.
func (d *Decision) option(id int) int {
	switch {
	case id == d.Current && d.rule == preemptAllButFirst:
		return 0
	case id == d.Current && d.rule == preemptYield:
		return d.N - 1
	case d.Current >= 0 && d.rule == preemptAllButFirst:
		return 1 + d.set.rank(id)
	case d.Current >= 0 && d.rule == preemptYield:
		below, r := d.set.rank(d.Current), d.set.rank(id)
		if r >= below {
			return r - below
		}
		return r + d.N - 1 - below
	}
	return d.set.rank(id)
}

// Strategy makes the decisions of one run. Every nondeterministic choice of a
// simulation (next task, select case, same-instant timer order, simulated
// randomness, the waiter a [Cond.Signal] wakes) goes through one Strategy,
// so a run is fully described by its strategy or, after the fact, by its
// schedule ([Result.Schedule]).
//
// A Strategy serves one run at a time; [Check] and [Explore] make a fresh one
// per run. Users may implement their own.
type Strategy interface {
	// Name describes the strategy and its parameters, e.g. "pct(seed=3,depth=2,k=40)".
	Name() string
	// Choose returns the chosen option, an index in [0, d.N). An index out
	// of range fails the run with [ErrDivergence].
	Choose(d *Decision) int
}

// Seeded is implemented by strategies that derive from a seed: a failure
// then carries the seed ([Failure.Seed], [Result.Seed]), so that it can be
// replayed from it. Random and PCT implement it; so may a user's strategy.
type Seeded interface {
	// Seed returns the seed the strategy was made from.
	Seed() uint64
}

// finisher is implemented by strategies that can tell, at the end of a run,
// that the run did not match them (a replayed schedule not fully consumed).
type finisher interface{ finish() error }
