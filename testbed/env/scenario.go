package env

import (
	"errors"
	"fmt"
	"strings"
)

var (
	// ErrUnknownPlatform is returned for a platform name that does not
	// exist.
	ErrUnknownPlatform = errors.New("env: unknown platform")
	// ErrUnknownStrategy is returned for a strategy name that does not
	// exist.
	ErrUnknownStrategy = errors.New("env: unknown strategy")
	// ErrPlatformNotSupported is returned when a scenario is run on a
	// platform it does not list, or a sim-only platform on real goroutines.
	ErrPlatformNotSupported = errors.New("env: platform not supported")
	// ErrScopeLeft is wrapped when a task returns with a different scope
	// active than it started with, or the root ends with a scope active.
	ErrScopeLeft = errors.New("env: scope left active")
)

// Scenario is one concurrency pattern of the testbed, written once against
// Env.
type Scenario struct {
	// Name is the scenario's package name (clientserver, latespan, ...).
	Name string
	// Summary says what the pattern is, in a line.
	Summary string
	// Platforms are the platforms where the pattern makes sense.
	Platforms []Platform
	// Run drives the pattern to its end (it waits for the work it
	// started, as the original tests do) and returns an error for a wrong
	// result that is not about spans (a wrong response).
	Run func(e Env) error
	// Check asserts on the spans once Run returned and every task ended.
	// It gets the same Env (its Tracer and Platform).
	Check func(e Env) error
	// Broken are deliberately broken variants the exploration must catch.
	Broken []Broken
}

// Broken is a deliberately wrong variant of a scenario: a wrong scope
// manager, a forgotten restore, an active span read where it must not be.
// The testbed asserts that exploring it under sim finds a failing
// schedule, and that replaying the failure's seed reproduces it.
type Broken struct {
	// Name identifies the variant (scenario/name on the command line).
	Name string
	// Summary says what is wrong and what bug it causes.
	Summary string
	// Platform is the platform the variant runs on.
	Platform Platform
	// Manager, if set, replaces the platform's scope manager.
	Manager ManagerFunc
	// Run, if set, replaces the scenario's Run.
	Run func(e Env) error
}

// SupportsPlatform reports whether p is one of the scenario's platforms.
func (sc Scenario) SupportsPlatform(p Platform) bool {
	for _, q := range sc.Platforms {
		if q.Name == p.Name {
			return true
		}
	}
	return false
}

// BrokenByName returns the broken variant with the given name.
func (sc Scenario) BrokenByName(name string) (Broken, error) {
	for _, b := range sc.Broken {
		if b.Name == name {
			return b, nil
		}
	}
	return Broken{}, fmt.Errorf("env: scenario %s has no broken variant %q", sc.Name, name)
}

// Variant applies a broken variant to the scenario: the result runs the
// broken code on the broken platform.
func (sc Scenario) Variant(b Broken) (Scenario, Platform) {
	out := sc
	out.Name = sc.Name + "/" + b.Name
	if b.Run != nil {
		out.Run = b.Run
	}
	p := b.Platform
	if b.Manager != nil {
		p.Manager = b.Manager
	}
	out.Platforms = []Platform{p}
	out.Broken = nil
	return out, p
}

// Failure is a failed run, with what it takes to replay it.
type Failure struct {
	// Scenario is the scenario's name (scenario/variant for a broken
	// variant).
	Scenario string
	// Platform is the name of the platform the run was on.
	Platform string
	// Strategy is the sim strategy of the run, or empty for a run on real
	// goroutines.
	Strategy Strategy
	// Seed is the seed of the run (sim runs only).
	Seed uint64
	// Schedule is the sim schedule that replays the run exactly.
	Schedule string
	// FromSchedule is set when the run replayed a recorded schedule
	// (Config.Schedule) instead of drawing one from Strategy and Seed: it
	// has no seed, and it replays with its Schedule.
	FromSchedule bool
	// Manager is the type of the caller's scope manager (Config.Manager)
	// the run used, or empty if it used the platform's own.
	Manager string
	// Tracer is the type of the caller's tracer (Config.Tracer) the run
	// used, or empty if it used the default MockTracer.
	Tracer string
	// TracerOptions is set when the run added the caller's MockTracer
	// options (Config.TracerOptions).
	TracerOptions bool
	// Command is the command line of the tool that replays the failure
	// (Config.Command): empty for DefaultCommand, NoCommand for none.
	Command string
	// Err is what failed: a span check (errors.Is check.ErrCheck), a left
	// scope (ErrScopeLeft), the scenario's own error, or a sim failure
	// (*sim.Failure: panic, deadlock, livelock, leak).
	Err error
}

// Error describes the failure and how to replay it.
func (f *Failure) Error() string {
	if f.Strategy == "" {
		return fmt.Sprintf("%s on %s (real goroutines): %v", f.Scenario, f.Platform, f.Err)
	}
	return fmt.Sprintf("%s on %s, %s: %v\n%s", f.Scenario, f.Platform, f.run(), f.Err, f.Reproduce())
}

// Unwrap returns Err.
func (f *Failure) Unwrap() error { return f.Err }

// bySchedule reports whether the run replays from its schedule, having
// no seed.
func (f *Failure) bySchedule() bool { return f.Strategy == DFS || f.FromSchedule }

// run names the run: its strategy and seed, or its schedule.
func (f *Failure) run() string {
	switch {
	case f.Strategy == DFS:
		return "dfs schedule " + f.Schedule
	case f.FromSchedule:
		return "schedule " + f.Schedule
	default:
		return fmt.Sprintf("%s seed %d", f.Strategy, f.Seed)
	}
}

// own reports whether the run used the caller's manager, tracer or
// tracer options, which a tracebed command line cannot supply.
func (f *Failure) own() bool { return f.Manager != "" || f.Tracer != "" || f.TracerOptions }

// command is the tool's command line, "" if there is none.
func (f *Failure) command() string {
	switch f.Command {
	case "":
		return DefaultCommand
	case NoCommand:
		return ""
	default:
		return f.Command
	}
}

// ReplayCommand is the command line that replays the failure: the tool's
// (Command) replay command. That tool runs the platform's own manager and
// tracer: for a run with the caller's, the line ends with a shell comment
// saying so (so that it still pastes), and Reproduce says how to replay it
// in the caller's code. With no tool (NoCommand) it is empty.
func (f *Failure) ReplayCommand() string {
	tool := f.command()
	if tool == "" {
		return ""
	}
	cmd := fmt.Sprintf("%s replay -scenario %s -platform %s -strategy %s -seed %d", tool, f.Scenario, f.Platform, f.Strategy, f.Seed)
	if f.bySchedule() {
		cmd = fmt.Sprintf("%s replay -scenario %s -platform %s -schedule %s", tool, f.Scenario, f.Platform, f.Schedule)
	}
	if f.own() {
		cmd += fmt.Sprintf("  # replays with the built-in manager and tracer, not %s", f.yours())
	}
	return cmd
}

// yours names what the caller supplied.
func (f *Failure) yours() string {
	var parts []string
	if f.Manager != "" {
		parts = append(parts, f.Manager)
	}
	if f.Tracer != "" {
		parts = append(parts, f.Tracer)
	}
	if f.TracerOptions {
		parts = append(parts, "tracer options")
	}
	return "your " + strings.Join(parts, " and ")
}

// Reproduce says how to replay the failure: the tool's command line for a
// run with the platform's own manager and tracer, and for a run with the
// caller's, or of a scenario no tool knows, the env.RunSim call to make
// from the caller's code.
func (f *Failure) Reproduce() string {
	if !f.own() && f.command() != "" {
		return "replay: " + f.ReplayCommand()
	}
	var fields []string
	if f.Manager != "" {
		fields = append(fields, "Manager: m")
	}
	if f.Tracer != "" {
		fields = append(fields, "Tracer: tr")
	}
	if f.TracerOptions {
		fields = append(fields, "TracerOptions: opts")
	}
	if f.bySchedule() {
		fields = append(fields, fmt.Sprintf("Schedule: %q", f.Schedule))
	} else {
		fields = append(fields, fmt.Sprintf("Strategy: %s, Seed: %d", goName(f.Strategy), f.Seed))
	}
	var with []string
	lookup := fmt.Sprintf("\tsc, _, _ := testbed.Lookup(%q)\n", f.Scenario)
	if f.command() == "" {
		with = append(with, fmt.Sprintf("sc your scenario %s", f.Scenario))
		lookup = ""
	}
	if f.Manager != "" {
		with = append(with, "m the ManagerFunc you passed (it made a "+f.Manager+"; tracebed replay would run the platform's own manager)")
	}
	if f.Tracer != "" {
		with = append(with, "tr the TracerFunc you passed (it made a "+f.Tracer+"; tracebed replay would run the MockTracer)")
	}
	if f.TracerOptions {
		with = append(with, "opts the tracer options you passed (tracebed replay would add none)")
	}
	return fmt.Sprintf("reproduce in your test, with %s:\n"+
		"%s"+
		"\tp, _ := env.PlatformByName(%q)\n"+
		"\t_, err := env.RunSim(sc, p, env.Config{%s})",
		strings.Join(with, " and "), lookup, f.Platform, strings.Join(fields, ", "))
}

// goName spells a strategy as Go code.
func goName(st Strategy) string {
	switch st {
	case Random:
		return "env.Random"
	case PCT:
		return "env.PCT"
	case DFS:
		return "env.DFS"
	default:
		return fmt.Sprintf("env.Strategy(%q)", st)
	}
}
