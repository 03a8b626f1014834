package tool

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/tracebed/tracebed/sim"
	"github.com/tracebed/tracebed/testbed/env"
	"github.com/tracebed/tracebed/view"
)

// diffUsage is diff's usage line, printed by diff -h.
const diffUsage = `tracebed diff -scenario X [-platform P] [-strategy S] (-seed A -seed2 B | -schedule A -schedule2 B) [-html FILE]

Runs two runs of one scenario (two seeds, or two schedules) and prints
where their schedules first diverge and how their span trees differ;
-html also writes both waterfalls on one page.`

func (t *tool) cmdDiff(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("diff", flag.ContinueOnError)
	name := fs.String("scenario", "", "scenario, or scenario/variant for a broken variant")
	platform := fs.String("platform", "", "platform (default: the variant's, or the scenario's first)")
	strategy := fs.String("strategy", "random", "random or pct")
	seedA := fs.Uint64("seed", 0, "seed of run a")
	seedB := fs.Uint64("seed2", 0, "seed of run b")
	schedA := fs.String("schedule", "", "schedule of run a, instead of a seed")
	schedB := fs.String("schedule2", "", "schedule of run b, instead of a seed")
	html := fs.String("html", "", "also write both runs' waterfalls and the comparison to this HTML file")
	if err := parseFlags(fs, args, diffUsage, stdout); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError("diff takes flags only, got %q", fs.Arg(0))
	}
	if *name == "" {
		return usageError("diff needs -scenario")
	}
	if (*schedA == "") != (*schedB == "") {
		return usageError("diff takes -schedule and -schedule2 together")
	}
	for _, s := range []string{*schedA, *schedB} {
		if _, err := sim.DecodeSchedule(s); s != "" && err != nil {
			return usageError("bad schedule: %v", err)
		}
	}
	sc, variantPlatform, err := t.lookup(*name)
	if err != nil {
		return usageError("%v", err)
	}
	st, err := env.StrategyByName(*strategy)
	if err != nil || st == env.DFS {
		return usageError("diff runs random or pct seeds, or -schedule")
	}
	p, err := pickPlatform(sc, variantPlatform, *platform)
	if err != nil {
		return err
	}
	if *html != "" {
		if err := (&exportFlags{files: []*string{html}}).check(); err != nil {
			return err
		}
	}
	one := func(seed uint64, schedule string) (*view.Run, error) {
		cfg := t.config()
		cfg.Strategy, cfg.Seed, cfg.Schedule = st, seed, schedule
		out, err := env.RunSim(sc, p, cfg)
		var failure *env.Failure
		if err != nil && !errors.As(err, &failure) {
			return nil, usageError("%v", err)
		}
		return runModel(out, failure, replayTitle(sc.Name, p.Name, st, seed, schedule))
	}
	a, err := one(*seedA, *schedA)
	if err != nil {
		return err
	}
	b, err := one(*seedB, *schedB)
	if err != nil {
		return err
	}
	if err := view.WriteDiff(stdout, a, b); err != nil {
		return err
	}
	if *html != "" {
		f, err := os.Create(*html)
		if err != nil {
			return err
		}
		if err := view.WriteDiffHTML(f, a, b); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "html: %s\n", *html)
	}
	return nil
}

// pickPlatform is the platform a replay or diff runs on: the one named, a
// broken variant's own, or the scenario's first.
func pickPlatform(sc env.Scenario, variantPlatform *env.Platform, name string) (env.Platform, error) {
	switch {
	case name != "":
		p, err := env.PlatformByName(name)
		if err != nil {
			return p, usageError("%v", err)
		}
		if variantPlatform != nil && p.Name == variantPlatform.Name {
			p = *variantPlatform
		}
		return p, nil
	case variantPlatform != nil:
		return *variantPlatform, nil
	}
	return sc.Platforms[0], nil
}
