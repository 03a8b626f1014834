package tool

import (
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/tracebed/tracebed/sim"
	"github.com/tracebed/tracebed/testbed/env"
)

// replayUsage is replay's usage line, printed by replay -h.
const replayUsage = `tracebed replay -scenario X [-platform P] (-seed N [-strategy S] | -schedule S) [-json] [-chrome FILE]

Runs one seed, or one recorded schedule, and prints the run's timeline,
span tree, schedule and outcome (-json: one JSON object, see go doc
github.com/tracebed/tracebed/cmd/tracebed).`

func (t *tool) cmdReplay(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("replay", flag.ContinueOnError)
	name := fs.String("scenario", "", "scenario, or scenario/variant for a broken variant")
	platform := fs.String("platform", "", "platform (default: the variant's, or the scenario's first)")
	strategy := fs.String("strategy", "random", "random or pct (a dfs run replays with -schedule)")
	seed := fs.Uint64("seed", 0, "seed of the run (required unless -schedule is given)")
	schedule := fs.String("schedule", "", "a recorded schedule to replay instead of a seed")
	asJSON := fs.Bool("json", false, "print the run as one JSON object")
	exports := addExportFlags(fs)
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
	sc, variantPlatform, err := t.lookup(*name)
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
	p, err := pickPlatform(sc, variantPlatform, *platform)
	if err != nil {
		return err
	}
	if err := exports.check(); err != nil {
		return err
	}
	cfg := t.config()
	cfg.Strategy, cfg.Seed, cfg.Schedule = st, *seed, *schedule
	out, runErr := env.RunSim(sc, p, cfg)
	var failure *env.Failure
	if runErr != nil && !errors.As(runErr, &failure) {
		return usageError("%v", runErr)
	}
	title := replayTitle(sc.Name, p.Name, st, *seed, *schedule)
	if *asJSON {
		files, err := exports.write(out, failure, title, nil)
		if err != nil {
			return err
		}
		if err := writeJSON(stdout, replayObject(out, cfg, failure, files)); err != nil {
			return err
		}
	} else {
		fmt.Fprint(stdout, out.Report())
		if _, err := exports.write(out, failure, title, stdout); err != nil {
			return err
		}
	}
	if failure != nil {
		return errFailed
	}
	return nil
}

// replayTitle names a replayed run in its pictures.
func replayTitle(scenario, platform string, st env.Strategy, seed uint64, schedule string) string {
	if schedule != "" {
		return fmt.Sprintf("%s on %s, schedule %s", scenario, platform, schedule)
	}
	return fmt.Sprintf("%s on %s, %s seed %d", scenario, platform, st, seed)
}
