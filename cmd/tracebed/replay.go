package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/tracebed/tracebed/sim"
	"github.com/tracebed/tracebed/testbed/env"
)

// replayUsage is replay's usage line, printed by replay -h.
const replayUsage = `tracebed replay -scenario X [-platform P] (-seed N [-strategy S] | -schedule S) [-chrome FILE]

Runs one seed, or one recorded schedule, and prints the run's timeline,
span tree, schedule and outcome.`

func cmdReplay(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("replay", flag.ContinueOnError)
	name := fs.String("scenario", "", "scenario, or scenario/variant for a broken variant")
	platform := fs.String("platform", "", "platform (default: the variant's, or the scenario's first)")
	strategy := fs.String("strategy", "random", "random or pct (a dfs run replays with -schedule)")
	seed := fs.Uint64("seed", 0, "seed of the run (required unless -schedule is given)")
	schedule := fs.String("schedule", "", "a recorded schedule to replay instead of a seed")
	chrome := fs.String("chrome", "", "also write the run as Chrome trace-event JSON to this file (open it in ui.perfetto.dev)")
	if err := parseFlags(fs, args, replayUsage, stdout); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError("replay takes flags only, got %q", fs.Arg(0))
	}
	if *name == "" {
		return usageError("replay needs -scenario")
	}
	seedSet := false
	fs.Visit(func(f *flag.Flag) { seedSet = seedSet || f.Name == "seed" })
	switch {
	case seedSet && *schedule != "":
		return usageError("replay takes -seed or -schedule, not both")
	case !seedSet && *schedule == "":
		return usageError("replay needs -seed N or -schedule S")
	}
	if *schedule != "" {
		if _, err := sim.DecodeSchedule(*schedule); err != nil {
			return usageError("bad -schedule: %v", err)
		}
	}
	sc, variantPlatform, err := lookup(*name)
	if err != nil {
		return usageError("%v", err)
	}
	st, err := env.StrategyByName(*strategy)
	if err != nil {
		return usageError("%v", err)
	}
	if st == env.DFS && *schedule == "" {
		return usageError("a dfs run has no seed: replay it with -schedule")
	}
	var p env.Platform
	switch {
	case *platform != "":
		if p, err = env.PlatformByName(*platform); err != nil {
			return usageError("%v", err)
		}
		if variantPlatform != nil && p.Name == variantPlatform.Name {
			p = *variantPlatform
		}
	case variantPlatform != nil:
		p = *variantPlatform
	default:
		p = sc.Platforms[0]
	}
	out, runErr := env.RunSim(sc, p, env.Config{Strategy: st, Seed: *seed, Schedule: *schedule})
	var failure *env.Failure
	if runErr != nil && !errors.As(runErr, &failure) {
		return usageError("%v", runErr)
	}
	fmt.Fprint(stdout, out.Report())
	if *chrome != "" {
		if err := writeChrome(*chrome, out.Trace); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "chrome trace: %s\n", *chrome)
	}
	if failure != nil {
		return errFailed
	}
	return nil
}

// writeChrome writes the run's trace to path in the Chrome trace-event
// format: a thread per task, a slice per stretch it runs, an async slice
// per span from its start to its finish, an instant per other event.
func writeChrome(path string, tr *sim.Trace) error {
	if tr == nil {
		return errors.New("the run left no trace to write")
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := tr.WriteChrome(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
