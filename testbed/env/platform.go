package env

import (
	"fmt"
	"strings"

	"github.com/tracebed/tracebed/opentracing"
	"github.com/tracebed/tracebed/scope"
	"github.com/tracebed/tracebed/sim"
)

// Propagation is how the active span reaches a spawned task on a platform.
// Scenario code branches on it exactly where the Python testbed's platform
// files differ.
type Propagation int

const (
	// Explicit: a spawned task starts with nothing active; the span is
	// passed by hand and re-activated (threads, asyncio, gevent).
	Explicit Propagation = iota + 1
	// Inherit: a spawned task or callback starts with a copy of the
	// spawner's active scope (contextvars).
	Inherit
	// Shared: the tasks spawned in one stack context share its active scope
	// (Tornado's tracer_stack_context, with its multiple-yield limitation).
	Shared
	// Context: the span travels in a context.Context passed down the calls
	// (the Go idiom).
	Context
)

// String returns the propagation's name.
func (p Propagation) String() string {
	switch p {
	case Explicit:
		return "explicit"
	case Inherit:
		return "inherit"
	case Shared:
		return "shared"
	case Context:
		return "ctx"
	default:
		return fmt.Sprintf("Propagation(%d)", int(p))
	}
}

// ManagerFunc makes the scope manager of one run. s is the run's
// simulation, or nil on real goroutines.
type ManagerFunc func(s *sim.Sim) opentracing.ScopeManager

// Platform is a way to run a scenario: a scope manager and the propagation
// style that goes with it.
type Platform struct {
	// Name identifies the platform on the command line and in test names.
	Name string
	// Summary says what it stands for, in a line.
	Summary string
	// Propagation is the style scenario code follows on this platform.
	Propagation Propagation
	// Real is true if the platform also runs on real goroutines (its
	// manager needs no simulation).
	Real bool
	// Manager makes the run's scope manager.
	Manager ManagerFunc
}

// String returns the platform's name.
func (p Platform) String() string { return p.Name }

// The platforms of the testbed. Every platform runs under sim; those with
// Real set also run on real goroutines under -race.
var (
	Goroutines = Platform{
		Name:        "goroutines",
		Summary:     "goroutine-local scope manager; spans passed by hand (Python threads)",
		Propagation: Explicit,
		Real:        true,
		Manager:     func(*sim.Sim) opentracing.ScopeManager { return scope.NewGoroutineLocal() },
	}
	Tasks = Platform{
		Name:        "tasks",
		Summary:     "sim-task-local scope manager; spans passed by hand (asyncio, gevent)",
		Propagation: Explicit,
		Manager:     func(s *sim.Sim) opentracing.ScopeManager { return scope.NewTaskLocal(s) },
	}
	Inheriting = Platform{
		Name:        "inherit",
		Summary:     "inheriting task-local scope manager; children get a copy (contextvars)",
		Propagation: Inherit,
		Manager:     func(s *sim.Sim) opentracing.ScopeManager { return scope.NewInheriting(s) },
	}
	StackContext = Platform{
		Name:        "stackcontext",
		Summary:     "stack-context scope manager; children of a context share it (Tornado)",
		Propagation: Shared,
		Manager:     func(s *sim.Sim) opentracing.ScopeManager { return scope.NewStackContext(s) },
	}
	Ctx = Platform{
		Name:        "ctx",
		Summary:     "spans carried in context.Context down the calls (the Go idiom)",
		Propagation: Context,
		Real:        true,
		Manager:     func(*sim.Sim) opentracing.ScopeManager { return scope.NewGoroutineLocal() },
	}
)

// Platforms lists every platform, in a fixed order.
func Platforms() []Platform {
	return []Platform{Goroutines, Tasks, Inheriting, StackContext, Ctx}
}

// PlatformByName returns the platform with the given name.
func PlatformByName(name string) (Platform, error) {
	var names []string
	for _, p := range Platforms() {
		if p.Name == name {
			return p, nil
		}
		names = append(names, p.Name)
	}
	return Platform{}, fmt.Errorf("%w %q (have %s)", ErrUnknownPlatform, name, strings.Join(names, ", "))
}
