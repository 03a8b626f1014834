package tool

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"time"

	"github.com/tracebed/tracebed/testbed"
	"github.com/tracebed/tracebed/testbed/env"
)

// Option configures the tool.
type Option interface{ apply(*tool) }

type optionFunc func(*tool)

func (f optionFunc) apply(t *tool) { f(t) }

// WithScenarios adds the caller's own scenarios to the tool, next to the
// built-in ones: list shows them, run explores them, replay and diff
// replay them, by name as the built-in ones.
func WithScenarios(scs ...env.Scenario) Option {
	return optionFunc(func(t *tool) { t.extra = append(t.extra, scs...) })
}

// WithoutBuiltins leaves the testbed's built-in scenarios out: the tool
// knows only those of WithScenarios.
func WithoutBuiltins() Option {
	return optionFunc(func(t *tool) { t.noBuiltins = true })
}

// WithCommand sets the command line that runs this tool, which every
// failure's replay line starts with, e.g. "go run ./cmd/mytool". Without
// it the command is read from the binary's build information: "go run
// ./path/of/main" for a tool built from its module's source (the line
// then works from the module's root), "go run path/of/main@version" for
// an installed one.
func WithCommand(cmd string) Option {
	return optionFunc(func(t *tool) { t.command = cmd })
}

// WithProgressInterval sets how often run prints a progress line on a
// stderr that is not a terminal (a CI log, a pipe): every d, 5 seconds by
// default; d <= 0 prints none. On a terminal the line is redrawn in place
// instead.
func WithProgressInterval(d time.Duration) Option {
	return optionFunc(func(t *tool) { t.progressEvery = d })
}

// DefaultProgressInterval is how often run prints a progress line on a
// stderr that is not a terminal, unless WithProgressInterval says.
const DefaultProgressInterval = 5 * time.Second

// tool is one configured tool: its scenarios and the command that runs it.
type tool struct {
	noBuiltins    bool
	extra         []env.Scenario
	command       string
	progressEvery time.Duration
	// ticker makes run's progress ticker; tests replace it.
	ticker func(time.Duration) (<-chan time.Time, func())

	scs env.Scenarios // the built-in ones and extra, checked
}

func newTool(opts []Option) (*tool, error) {
	t := &tool{progressEvery: DefaultProgressInterval, ticker: realTicker}
	for _, o := range opts {
		o.apply(t)
	}
	if !t.noBuiltins {
		t.scs = append(t.scs, testbed.All()...)
	}
	seen := make(map[string]bool)
	for _, sc := range t.scs {
		seen[sc.Name] = true
	}
	for _, sc := range t.extra {
		switch {
		case sc.Name == "" || strings.Contains(sc.Name, "/"):
			return nil, fmt.Errorf("scenario name %q: want a non-empty name without a slash", sc.Name)
		case seen[sc.Name]:
			return nil, fmt.Errorf("two scenarios named %q", sc.Name)
		case len(sc.Platforms) == 0 || sc.Run == nil:
			return nil, fmt.Errorf("scenario %q: want Platforms and Run", sc.Name)
		}
		seen[sc.Name] = true
		t.scs = append(t.scs, sc)
	}
	if len(t.scs) == 0 {
		return nil, errors.New("no scenarios: WithoutBuiltins and no WithScenarios")
	}
	if t.command == "" {
		bi, ok := debug.ReadBuildInfo()
		t.command = commandFrom(bi, ok)
	}
	return t, nil
}

func realTicker(d time.Duration) (<-chan time.Time, func()) {
	tk := time.NewTicker(d)
	return tk.C, tk.Stop
}

// commandFrom is the command line that runs the binary bi describes: go
// run of its main package, from its module's root when built from source
// (version "(devel)"), by module path and version otherwise. Without a
// main package of its own (a test binary), it is env.DefaultCommand.
func commandFrom(bi *debug.BuildInfo, ok bool) string {
	if !ok || bi.Main.Path == "" || strings.HasSuffix(bi.Path, ".test") {
		return env.DefaultCommand
	}
	if bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return "go run " + bi.Path + "@" + bi.Main.Version
	}
	switch {
	case bi.Path == bi.Main.Path:
		return "go run ."
	case strings.HasPrefix(bi.Path, bi.Main.Path+"/"):
		return "go run ./" + strings.TrimPrefix(bi.Path, bi.Main.Path+"/")
	}
	return env.DefaultCommand
}

// config is the env.Config of the tool's runs: the plain platform
// manager and tracer, and failures naming this tool's command.
func (t *tool) config() env.Config {
	cmd := t.command
	if cmd == env.DefaultCommand {
		cmd = ""
	}
	return env.Config{Command: cmd}
}

// lookup finds a scenario or broken variant by name (a trailing slash
// naming the scenario itself).
func (t *tool) lookup(name string) (env.Scenario, *env.Platform, error) {
	return t.scs.Lookup(name)
}

// Main runs the tool on a command line (without the program name, as
// os.Args[1:]) and returns the exit status; SIGINT (Ctrl-C) stops a run
// cleanly. A tool of one's own is a main of a few lines:
//
//	func main() {
//		os.Exit(tool.Main(os.Args[1:], os.Stdout, os.Stderr, tool.WithScenarios(mine.Scenario)))
//	}
func Main(args []string, stdout, stderr io.Writer, opts ...Option) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	return Run(ctx, args, stdout, stderr, opts...)
}

// Run is Main, stopping when ctx is done instead of on SIGINT: a run then
// prints the partial table and returns 130.
//
// Exit statuses: 0 success; 1 a run failed (or, with -broken, a variant
// was not caught); 2 bad usage, reported in one line on stderr; 130
// interrupted.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer, opts ...Option) int {
	t, err := newTool(opts)
	if err != nil {
		fmt.Fprintf(stderr, "tracebed: %v\n", err)
		return 2
	}
	return t.run(ctx, args, stdout, stderr)
}

// errInterrupted is returned when the context ended a command (SIGINT):
// exit status 130, as a shell reports a process ended by SIGINT.
var errInterrupted = errors.New("interrupted")

// errUsage marks errors caused by bad command-line input: exit status 2.
var errUsage = errors.New("usage")

// usageError makes a one-line usage error.
func usageError(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{errUsage}, args...)...)
}

const usage = `usage: tracebed list | run [flags] [scenario ...] | replay -scenario X -platform P -seed N | diff -scenario X -seed A -seed2 B`

// help is what `tracebed help` prints.
const help = usage + `

commands:
  list     the scenarios (with their broken variants), the platforms and the strategies
  run      explore scenarios under sim over many seeds; a table at the end
  replay   one run (a seed or a recorded schedule) as a timeline and span tree
  diff     two runs of one scenario: where their schedules diverge, how their span trees differ
  version  the module version of tracebed

tracebed <command> -h shows its flags.
`

// errHelped is returned when a command printed its help on -h: exit
// status 0.
var errHelped = errors.New("help printed")

// parseFlags parses a command's flags; on -h or -help it prints the
// command's usage line and flag defaults to stdout and returns errHelped.
func parseFlags(fs *flag.FlagSet, args []string, usageLine string, stdout io.Writer) error {
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprintf(stdout, "usage: %s\n\nflags:\n", usageLine)
		fs.SetOutput(stdout)
		fs.PrintDefaults()
		return errHelped
	case err != nil:
		return usageError("%v", err)
	}
	return nil
}

// run executes the command line and returns the exit status.
func (t *tool) run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "list":
		err = t.cmdList(args[1:], stdout)
	case "run":
		err = t.cmdRun(ctx, args[1:], stdout, stderr, isTerminal(stderr))
	case "version":
		err = cmdVersion(args[1:], stdout)
	case "replay":
		err = t.cmdReplay(args[1:], stdout)
	case "diff":
		err = t.cmdDiff(args[1:], stdout)
	case "help", "-h", "-help", "--help":
		if len(args) == 2 && args[0] == "help" {
			return t.run(ctx, []string{args[1], "-h"}, stdout, stderr) // help run = run -h
		}
		fmt.Fprint(stdout, help)
		return 0
	default:
		err = usageError("unknown command %q", args[0])
	}
	switch {
	case err == nil, errors.Is(err, errHelped):
		return 0
	case errors.Is(err, errUsage):
		fmt.Fprintf(stderr, "tracebed: %v\n", err)
		return 2
	case errors.Is(err, errInterrupted):
		return 130
	case errors.Is(err, errFailed):
		return 1
	default:
		fmt.Fprintf(stderr, "tracebed: %v\n", err)
		return 1
	}
}

// isTerminal reports whether w is a character device (a terminal), where a
// progress line may be redrawn.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// cmdVersion prints the version of the main module and, when the tool is
// built into another module, of tracebed.
func cmdVersion(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("version", flag.ContinueOnError)
	if err := parseFlags(fs, args, "tracebed version", stdout); err != nil {
		return err
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return errors.New("no build information in this binary")
	}
	fmt.Fprintf(stdout, "%s %s\n", bi.Main.Path, bi.Main.Version)
	for _, d := range bi.Deps {
		if d.Path == tracebedModule {
			fmt.Fprintf(stdout, "%s %s\n", d.Path, d.Version)
		}
	}
	return nil
}

// tracebedModule is this module's path.
const tracebedModule = "github.com/tracebed/tracebed"
