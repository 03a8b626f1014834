// Package testbed is the registry of the testbed's scenarios and the entry
// point that runs all of them against a scope manager and tracer options
// the caller supplies.
//
// Each scenario lives in its own package under testbed/ (clientserver,
// latespan, ...), written once against the runtime in testbed/env, with a
// README that teaches the pattern. This package lists them in one place
// that the tests, RunAll and the tracebed tool all read.
//
// A scope-manager author runs the whole testbed on their manager from
// their own tests:
//
//	func TestMyManagerOnTestbed(t *testing.T) {
//		testbed.RunAll(t, testbed.WithManager(env.Inherit, func(s *sim.Sim) opentracing.ScopeManager {
//			return mymanager.New(s)
//		}))
//	}
package testbed

import (
	"sort"
	"testing"

	"github.com/tracebed/tracebed/mocktracer"
	"github.com/tracebed/tracebed/testbed/env"
)

// All returns every scenario, sorted by name.
func All() []env.Scenario {
	out := append([]env.Scenario(nil), scenarios...)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Lookup returns the scenario with the given name. A name of the form
// "scenario/variant" returns the broken variant, with the platform it runs
// on.
func Lookup(name string) (env.Scenario, *env.Platform, error) {
	return env.Scenarios(All()).Lookup(name)
}

// Names returns the names of every scenario, sorted.
func Names() []string {
	var names []string
	for _, sc := range All() {
		names = append(names, sc.Name)
	}
	return names
}

// ErrUnknownScenario is returned by Lookup for a name that is not
// registered: env.ErrUnknownScenario.
var ErrUnknownScenario = env.ErrUnknownScenario

// Option configures RunAll.
type Option interface{ apply(*options) }

type options struct {
	manager     env.ManagerFunc
	propagation env.Propagation
	real        bool
	tracerOpts  []mocktracer.Option
	tracer      env.TracerFunc
	only        map[string]bool
	extra       []env.Scenario
	command     string
}

type optionFunc func(*options)

func (f optionFunc) apply(o *options) { f(o) }

// WithManager runs the scenarios with the caller's scope manager, on every
// platform whose propagation style is prop: the manager declares which rule
// it follows. Scenarios run under sim; see RealGoroutines.
func WithManager(prop env.Propagation, m env.ManagerFunc) Option {
	return optionFunc(func(o *options) { o.manager, o.propagation = m, prop })
}

// RealGoroutines also runs the scenarios on real goroutines (the manager
// is then called with a nil *sim.Sim and must not need one).
func RealGoroutines() Option { return optionFunc(func(o *options) { o.real = true }) }

// WithTracerOptions adds MockTracer options to every run (to evaluate a
// tracer-level change against every scenario).
func WithTracerOptions(opts ...mocktracer.Option) Option {
	return optionFunc(func(o *options) { o.tracerOpts = append(o.tracerOpts, opts...) })
}

// WithTracer runs every scenario on the tracer tf makes (a tracer under
// evaluation, a wrapper, an adapter), checked through its check.Recorder.
func WithTracer(tf env.TracerFunc) Option {
	return optionFunc(func(o *options) { o.tracer = tf })
}

// WithScenarios adds the caller's own scenarios to those RunAll runs, first
// class: Only names them as it names the built-in ones.
func WithScenarios(scs ...env.Scenario) Option {
	return optionFunc(func(o *options) { o.extra = append(o.extra, scs...) })
}

// WithCommand names the tool (built with package testbed/tool) whose
// replay command a failure prints, e.g. "go run ./cmd/mybed". Without it
// the built-in scenarios' failures name env.DefaultCommand and the
// caller's own scenarios' failures say how to replay them from Go code.
func WithCommand(cmd string) Option {
	return optionFunc(func(o *options) { o.command = cmd })
}

// Only restricts RunAll to the named scenarios.
func Only(names ...string) Option {
	return optionFunc(func(o *options) {
		if o.only == nil {
			o.only = make(map[string]bool)
		}
		for _, n := range names {
			o.only[n] = true
		}
	})
}

// RunAll runs every scenario (or those of Only) as a subtest: on the
// scenario's own platforms by default, or with WithManager on the
// platforms that match the manager's propagation style. The budgets are
// env's: -testbed.seeds, -testbed.realruns, -short.
func RunAll(t *testing.T, opts ...Option) {
	t.Helper()
	var o options
	for _, opt := range opts {
		opt.apply(&o)
	}
	builtin := make(map[string]bool)
	for _, sc := range All() {
		builtin[sc.Name] = true
	}
	all := append(All(), o.extra...)
	for name := range o.only {
		if _, _, err := env.Scenarios(all).Lookup(name); err != nil {
			t.Fatalf("testbed: Only: %v", err)
		}
	}
	ran := 0
	for _, sc := range all {
		if o.only != nil && !o.only[sc.Name] {
			continue
		}
		cmd := o.command
		if cmd == "" && !builtin[sc.Name] {
			cmd = env.NoCommand
		}
		platforms := sc.Platforms
		if o.manager != nil {
			platforms = nil
			for _, p := range sc.Platforms {
				if p.Propagation == o.propagation {
					p.Real = p.Real && o.real
					platforms = append(platforms, p)
				}
			}
		}
		if len(platforms) == 0 {
			continue
		}
		ran++
		t.Run(sc.Name, func(t *testing.T) {
			env.TestOn(t, sc, platforms, env.Config{Manager: o.manager, Tracer: o.tracer, TracerOptions: o.tracerOpts, Command: cmd})
		})
	}
	if ran == 0 {
		t.Fatalf("testbed: no scenario runs with these options")
	}
}
