// Package scopetest is a property-test harness for opentracing.ScopeManager
// implementations. A manager's author runs it from their own tests:
//
//	func TestMyManager(t *testing.T) {
//		scopetest.Run(t, func(scopetest.Env) opentracing.ScopeManager {
//			return mypkg.NewManager()
//		}, scopetest.Propagation(scopetest.None))
//	}
//
// Run does two things.
//
// # The state machine
//
// A rapid state machine ([pgregory.net/rapid.T.Repeat]) draws random
// sequences of steps across several tasks (goroutines, or sim tasks):
// activate a span, close a scope (the right one, or one already closed, or
// one out of order), close a scope of another task, start a child span,
// spawn a task, spawn a task in a fresh context (under [Shared], for a
// [ContextRunner]), switch task, finish a span. After each step it compares
// every task's Active() with a model of the declared propagation rule
// ([None], [Copy] or [Shared]), every span's finish count with the model's,
// and the misuse the manager reported (through
// opentracing.ReportMisuse) with the misuse the model expects. At the end it
// closes everything that is open and checks again. A failure prints rapid's
// shrunk sequence: the "step" lines of the failed test output.
//
// By default each manager gets 1000 checks (Checks), in rounds of
// -rapid.checks (default 100) so that every round has a fresh seed; -short
// divides the count by 5, as rapid does.
//
// # The scope_check examples
//
// The example-based checks of opentracing-python's scope_check: missing
// active, activate, activate and finish on close, nested activations, close
// out of order, plus close twice, close from another task and the implicit
// parent of a new span.
//
// # Model of the scope semantics
//
// Close restores the scope that was active before the activation, and
// finishes the span if finishOnClose was set (exactly once). Closing a
// scope twice, closing it from a task that does not own it, and closing it
// while a scope activated after it on the same stack is still open do
// nothing but report a misuse of kind MisuseCloseTwice,
// MisuseCloseFromOtherTask or MisuseCloseOutOfOrder (checked in that
// order: a second Close from another task is a close_twice). Under Shared
// the owner of a scope is its stack, so any task sharing it may close the
// top, and a Close from a task of another stack (another context) is
// MisuseCloseFromOtherTask. A task spawned in a fresh context
// ([ContextRunner]) starts with nothing active on a stack of its own, which
// the tasks it spawns in turn share. Active returns the very Scope that Activate returned (Python's
// "active is scope"); a new span's implicit parent
// (opentracing.NewStartSpanOptions) is the model's active span.
//
// # Platforms
//
// Under Goroutines each task is a goroutine started with the go statement
// by its parent, and the harness drives them one at a time from the test's
// goroutine, except in the crowd ([Crowd]) that Run starts twice before the
// sequences, whose tasks run each phase at the same time, so that the race
// detector sees an unsynchronised manager. Under SimTasks each random sequence is one sim.Run: the harness
// itself runs as the root task and each task is a sim task spawned with
// Sim.Go by its parent, so inheritable sim.Local values flow as they would
// in a scenario; the scope_check "external" checks (a call outside any
// task) are left out there, since sim forbids them.
package scopetest

import (
	"flag"
	"strconv"

	"pgregory.net/rapid"

	"github.com/tracebed/tracebed/opentracing"
	"github.com/tracebed/tracebed/sim"
)

// Rule is a propagation rule: what a spawned task starts with.
type Rule int

const (
	// None: a spawned task starts with nothing active (ThreadLocal,
	// asyncio, gevent).
	None Rule = iota + 1
	// Copy: a spawned task starts with its parent's active scope; what it
	// activates and closes afterwards is its own (contextvars).
	Copy
	// Shared: a spawned task shares its parent's stack of scopes; any task
	// of the stack may close its top (Tornado's stack_context). Closing from
	// a task of another stack is a misuse. A manager that can open a fresh
	// context, a stack of its own, implements [ContextRunner].
	Shared
)

// String returns the rule's name.
func (r Rule) String() string {
	switch r {
	case None:
		return "None"
	case Copy:
		return "Copy"
	case Shared:
		return "Shared"
	default:
		return "Rule(" + strconv.Itoa(int(r)) + ")"
	}
}

// TaskKind says what the harness's tasks are.
type TaskKind int

const (
	// Goroutines: every task is a goroutine, spawned with the go statement
	// by its parent.
	Goroutines TaskKind = iota + 1
	// SimTasks: every task is a task of one sim.Run, spawned with Sim.Go by
	// its parent; the manager gets the *sim.Sim from Env.Sim.
	SimTasks
)

// String returns the kind's name.
func (k TaskKind) String() string {
	switch k {
	case Goroutines:
		return "Goroutines"
	case SimTasks:
		return "SimTasks"
	default:
		return "TaskKind(" + strconv.Itoa(int(k)) + ")"
	}
}

// Env is what a manager constructor may need from the platform.
type Env struct {
	platform TaskKind
	sim      *sim.Sim
}

// Platform returns the kind of tasks the manager will be used from.
func (e Env) Platform() TaskKind { return e.platform }

// Sim returns the simulation whose tasks will use the manager under
// SimTasks, and nil under Goroutines.
func (e Env) Sim() *sim.Sim { return e.sim }

// ContextRunner is implemented by a [Shared] manager that can run a
// function in a fresh stack context of its own: the Go form of Tornado's
// "with tracer_stack_context(): f()". scope.StackContext implements it.
//
// When the manager newManager returns (or, with [SpawnManager], the
// spawning task's manager) implements it under Shared, the state machine
// also spawns tasks in a fresh context: in the parent task it calls Run
// with a function that starts the child task (and, with SpawnManager, makes
// the child's manager). The model gives the child an empty stack of its
// own, shared with the tasks it spawns in turn and separate from its
// parent's; closing a scope of one context from a task of another is
// MisuseCloseFromOtherTask (with [ForeignClose]). Without the method every
// task of a sequence shares one stack. [FreshContexts](false) ignores the
// method.
type ContextRunner interface {
	// Run runs f in a fresh context, in the calling task. Tasks started by
	// f share that context; the caller's previous context is restored
	// when f returns.
	Run(f func())
}

// Option configures Run.
type Option interface {
	apply(*config)
}

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

type config struct {
	rule         Rule
	platform     TaskKind
	checks       int
	maxTasks     int
	crowd        int
	nilSpans     bool
	foreignClose bool
	fresh        bool
	misuse       bool
	spawnManager func(parent opentracing.ScopeManager) opentracing.ScopeManager
	seed         uint64
	examples     bool
}

func defaultConfig() config {
	return config{
		rule:         None,
		platform:     Goroutines,
		checks:       1000,
		maxTasks:     4,
		crowd:        DefaultCrowd,
		nilSpans:     true,
		foreignClose: true,
		fresh:        true,
		misuse:       true,
		examples:     true,
	}
}

// Propagation declares the manager's propagation rule (default None).
func Propagation(r Rule) Option {
	return optionFunc(func(c *config) { c.rule = r })
}

// Platform declares what tasks are (default Goroutines).
func Platform(k TaskKind) Option {
	return optionFunc(func(c *config) { c.platform = k })
}

// Checks sets how many random sequences the state machine runs (default
// 1000; -short divides it by 5).
func Checks(n int) Option {
	return optionFunc(func(c *config) { c.checks = n })
}

// MaxTasks bounds the number of tasks of one sequence (default 4).
func MaxTasks(n int) Option {
	return optionFunc(func(c *config) { c.maxTasks = n })
}

// DefaultCrowd is the default of [Crowd]: more tasks than the 64 shards a
// goroutine table commonly has, and than the processors of most machines,
// so that a manager keyed on a goroutine id modulo either is caught.
const DefaultCrowd = 128

// Crowd sets how many tasks the crowd check starts at once (default
// [DefaultCrowd]; below 2, no crowd). Run starts two crowds, each on a fresh
// manager, after the examples and before the random sequences. Each
// activates a span of its own, checks that it sees its own scope while
// every task has one open, and closes it; under Goroutines the tasks of each
// phase run at the same time, with nothing ordering one before another, so
// that `go test -race` catches a manager whose table is not synchronised.
// A manager keyed on an id that n tasks cannot all have to themselves (a
// goroutine id modulo fewer than n shards, a sim task's name) fails every
// run. Under Shared the crowd's tasks run in fresh contexts, so it needs a
// [ContextRunner] (and [FreshContexts]).
func Crowd(n int) Option {
	return optionFunc(func(c *config) { c.crowd = n })
}

// NilSpans says whether the harness activates nil spans (default true):
// the scope of a nil span hides the span active before it, so a new span
// has no implicit parent while it is open, and its Close restores that span
// and finishes nothing. Pass false for a manager that documents that it
// refuses nil.
func NilSpans(probe bool) Option {
	return optionFunc(func(c *config) { c.nilSpans = probe })
}

// ForeignClose says whether the manager detects a Close from a task other
// than the owner (default true). When true the harness closes scopes from
// other tasks and expects MisuseCloseFromOtherTask and no effect (or, under
// Shared, the ordinary close rules for a task of the same stack). Managers
// that cannot tell tasks apart, such as one bound to a context.Context, pass
// false.
func ForeignClose(detects bool) Option {
	return optionFunc(func(c *config) { c.foreignClose = detects })
}

// FreshContexts says whether, under [Shared], the harness opens fresh
// contexts on a manager that implements [ContextRunner] (default true).
// Pass false for a manager whose Run method is something else.
func FreshContexts(open bool) Option {
	return optionFunc(func(c *config) { c.fresh = open })
}

// ReportsMisuse says whether the manager reports misuse through
// opentracing.ReportMisuse (default true). When false the harness still
// checks that misuse has no effect, but not that it is reported.
func ReportsMisuse(reports bool) Option {
	return optionFunc(func(c *config) { c.misuse = reports })
}

// SpawnManager is for managers whose state travels explicitly, such as a
// context.Context bound to a ScopeManager: f runs in the spawning task and
// returns the manager the child task uses, given the parent's. Without it
// every task uses the one manager that newManager returned.
func SpawnManager(f func(parent opentracing.ScopeManager) opentracing.ScopeManager) Option {
	return optionFunc(func(c *config) { c.spawnManager = f })
}

// SimSeed sets the seed of the sim scheduler under SimTasks (default 0).
// The harness runs one task at a time, so the schedule rarely matters.
func SimSeed(seed uint64) Option {
	return optionFunc(func(c *config) { c.seed = seed })
}

// SkipExamples leaves out the scope_check examples and runs only the state
// machine: for the harness's own tests, which check that the state machine
// alone catches a broken manager.
func SkipExamples() Option {
	return optionFunc(func(c *config) { c.examples = false })
}

// Run checks the manager that newManager makes against the declared rule:
// first the scope_check examples, then the rapid state machine. newManager
// is called once per example and once per random sequence, on the platform
// (under SimTasks: inside the sim.Run, so that Env.Sim is valid).
func Run(t rapid.TB, newManager func(env Env) opentracing.ScopeManager, opts ...Option) {
	t.Helper()
	c := defaultConfig()
	for _, o := range opts {
		o.apply(&c)
	}
	if c.maxTasks < 1 {
		c.maxTasks = 1
	}
	if c.examples {
		runExamples(t, &c, newManager)
	}
	if t.Failed() || !runCrowd(t, &c, newManager) {
		return
	}
	for range rounds(c.checks) {
		rapid.Check(t, func(rt *rapid.T) {
			withRunner(&c, rt.Failed, func(r runner) {
				m := newMachine(rt, &c, r, newManager)
				rt.Repeat(m.actions())
				m.finish(rt)
			})
		})
		if t.Failed() {
			return
		}
	}
}

// rounds returns how many rapid.Check calls make n checks: rapid takes the
// count of one call from -rapid.checks. With -rapid.seed or -rapid.failfile
// (reproducing a failure) one round is enough.
func rounds(n int) int {
	per := 100
	if f := flag.Lookup("rapid.checks"); f != nil {
		if v, err := strconv.Atoi(f.Value.String()); err == nil && v > 0 {
			per = v
		}
	}
	for _, name := range []string{"rapid.seed", "rapid.failfile"} {
		if f := flag.Lookup(name); f != nil && f.Value.String() != f.DefValue {
			return 1
		}
	}
	return max(1, (n+per-1)/per)
}
