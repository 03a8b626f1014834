package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
)

func main() {
	// Ctrl-C stops an exploration cleanly: the partial table, exit 130.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(runContext(ctx, os.Args[1:], os.Stdout, os.Stderr))
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
func run(args []string, stdout, stderr io.Writer) int {
	return runContext(context.Background(), args, stdout, stderr)
}

// runContext is run, stopping when ctx is done.
func runContext(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "list":
		err = cmdList(args[1:], stdout)
	case "run":
		err = cmdRun(ctx, args[1:], stdout, stderr, isTerminal(stderr))
	case "version":
		err = cmdVersion(args[1:], stdout)
	case "replay":
		err = cmdReplay(args[1:], stdout)
	case "diff":
		err = cmdDiff(args[1:], stdout)
	case "help", "-h", "-help", "--help":
		if len(args) == 2 && args[0] == "help" {
			return runContext(ctx, []string{args[1], "-h"}, stdout, stderr) // help run = run -h
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
