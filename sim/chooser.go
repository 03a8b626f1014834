package sim

// DecisionKind says what a [Decision] chooses between.
type DecisionKind uint8

const (
	// KindTask chooses the next task to run among the runnable ones.
	KindTask DecisionKind = iota + 1
	// KindSelect chooses among the ready cases of a [Sim.Select].
	KindSelect
	// KindTimer chooses which of several timers due at the same virtual
	// instant fires first.
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
// A Decision and its slices are valid only during the call to
// [Strategy.Choose]; strategies must not keep them.
type Decision struct {
	// Kind is what is being chosen.
	Kind DecisionKind
	// N is the number of options, at least 2. The strategy returns an index
	// in [0, N).
	N int
	// Tasks, for KindTask, holds the ids of the runnable tasks, one per
	// option. If the task at the scheduling point can go on running, it is
	// option 0 (so choosing 0 never preempts); the others follow in id order.
	Tasks []int
	// Current is the id of the task at the scheduling point, or -1 if there
	// is none (it blocked or ended, or the scheduler itself decides).
	Current int
	// Yielding reports that Current called [Sim.Yield] and would rather
	// let others run.
	Yielding bool
	// Index is the number of decisions made before this one in the run.
	Index int
}

// Preempts reports whether choosing option i switches away from a current
// task that could have gone on running.
func (d *Decision) Preempts(i int) bool {
	return d.Kind == KindTask && i != 0 && len(d.Tasks) > 0 && d.Tasks[0] == d.Current
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
