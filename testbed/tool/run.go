package tool

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/tracebed/tracebed/testbed/env"
)

// errFailed is returned when a run found failures (exit status 1; the
// failures are already printed).
var errFailed = errors.New("failures found")

// defaultSeeds keeps `tracebed run` with no flags well under a minute on
// two cores.
const defaultSeeds = 300

// job is one exploration: a scenario on a platform with a strategy.
type job struct {
	sc       env.Scenario
	platform env.Platform
	strategy env.Strategy
}

// runUsage is run's usage line, printed by run -h.
const runUsage = `tracebed run [flags] [scenario ...]

Explores the named scenarios (all by default; see tracebed list) on each of
their platforms with each strategy. With -broken it explores a scenario's
broken variants instead, or the one named as scenario/variant. With -json
it prints a JSON object per row as each exploration ends, instead of the
table (fields: go doc github.com/tracebed/tracebed/cmd/tracebed).`

// parseInterleaved parses flags that may come before or after positional
// arguments ("run clientserver -seeds 10").
func parseInterleaved(fs *flag.FlagSet, args []string, usageLine string, stdout io.Writer) ([]string, error) {
	var pos []string
	for {
		if err := parseFlags(fs, args, usageLine, stdout); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// parseShard parses "i/n" with 0 <= i < n.
func parseShard(s string) (int, int, error) {
	a, b, ok := strings.Cut(s, "/")
	i, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil || n < 1 || i < 0 || i >= n {
		return 0, 0, usageError("bad -shard %q: want i/n with 0 <= i < n", s)
	}
	return i, n, nil
}

func (t *tool) cmdRun(ctx context.Context, args []string, stdout, stderr io.Writer, terminal bool) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	seeds := fs.Int("seeds", defaultSeeds, "seeds per scenario, platform and strategy")
	strategy := fs.String("strategy", "all", "random, pct, dfs or all")
	platforms := fs.String("platform", "", "comma-separated platforms (default: each scenario's own)")
	shard := fs.String("shard", "0/1", "run the seeds i mod n (i/n)")
	broken := fs.Bool("broken", false, "explore the deliberately broken variants instead")
	firstSeed := fs.Uint64("first-seed", 0, "the first seed")
	asJSON := fs.Bool("json", false, "print one JSON object per row, as each exploration ends, instead of the table")
	names, err := parseInterleaved(fs, args, runUsage, stdout)
	if err != nil {
		return err
	}
	if *seeds < 1 {
		return usageError("bad -seeds %d: want at least 1", *seeds)
	}
	if *firstSeed > math.MaxUint64-uint64(*seeds-1) {
		return usageError("-first-seed %d with -seeds %d passes the largest seed, %d", *firstSeed, *seeds, uint64(math.MaxUint64))
	}
	shardI, shardN, err := parseShard(*shard)
	if err != nil {
		return err
	}
	strategies := env.AllStrategies()
	if *strategy != "all" {
		st, err := env.StrategyByName(*strategy)
		if err != nil {
			return usageError("%v", err)
		}
		strategies = []env.Strategy{st}
	}
	// Seed i goes to shard i%n; this shard's share of the seeds:
	shardSeeds := (*seeds - shardI + shardN - 1) / shardN
	if shardI != 0 {
		// DFS is one search, not a set of seeds to split: shard 0 runs
		// it whole and the other shards schedule none, so that no row
		// with no runs appears (in -broken mode it would count as a
		// variant missed).
		strategies = slices.DeleteFunc(strategies, func(st env.Strategy) bool { return st == env.DFS })
		if len(strategies) == 0 {
			fmt.Fprintf(notes(stdout, stderr, *asJSON), "nothing to run on shard %s: dfs runs on shard 0 only\n", *shard)
			return nil
		}
		// With fewer seeds than shards, some shards get none, and their
		// rows would be empty (and, with -broken, counted as variants
		// missed).
		if shardSeeds == 0 {
			fmt.Fprintf(notes(stdout, stderr, *asJSON), "nothing to run on shard %s: -seeds %d leaves it no seed\n", *shard, *seeds)
			return nil
		}
	}
	var only []env.Platform
	if *platforms != "" {
		for _, name := range strings.Split(*platforms, ",") {
			p, err := env.PlatformByName(name)
			if err != nil {
				return usageError("%v", err)
			}
			only = append(only, p)
		}
	}
	var scs []named
	for _, sc := range t.scs {
		scs = append(scs, named{sc: sc})
	}
	if len(names) > 0 {
		scs = nil
		for _, n := range names {
			sc, p, err := t.lookup(n)
			if err != nil {
				return usageError("%v", err)
			}
			scs = append(scs, named{sc, p})
		}
	}
	jobs := planJobs(scs, only, strategies, *broken)
	if len(jobs) == 0 {
		return usageError("nothing to run: no scenario runs on the platforms asked for")
	}

	total := 0
	for _, j := range jobs {
		if j.strategy == env.DFS {
			total += *seeds // at most; the search may end sooner
		} else {
			total += shardSeeds
		}
	}
	prog := t.startProgress(stderr, terminal, total)
	var stats []env.Stats
	for _, j := range jobs {
		x := env.Exploration{Strategy: j.strategy, Seeds: *seeds, FirstSeed: *firstSeed, Shard: shardI, Shards: shardN, Config: t.config()}
		x.Progress = prog.job(fmt.Sprintf("%s on %s (%s)", j.sc.Name, j.platform.Name, j.strategy))
		st, err := env.ExploreContext(ctx, j.sc, j.platform, x)
		if err != nil {
			prog.stop()
			return err
		}
		prog.jobDone(st.Runs)
		stats = append(stats, st)
		if *asJSON {
			if err := writeJSON(stdout, rowObject(st, *broken)); err != nil {
				prog.stop()
				return err
			}
		}
		if st.Cut {
			break
		}
	}
	prog.stop()
	if *asJSON {
		err = verdict(stats, *broken)
	} else {
		err = report(stdout, stats, *broken)
	}
	if ctx.Err() != nil {
		if !*asJSON {
			fmt.Fprintf(stdout, "\ninterrupted: the table is partial\n")
		}
		return errInterrupted
	}
	return err
}

// notes is where run prints a remark: stdout, or stderr when stdout
// carries JSON.
func notes(stdout, stderr io.Writer, asJSON bool) io.Writer {
	if asJSON {
		return stderr
	}
	return stdout
}

// named is a scenario named on the command line, or a broken variant
// (scenario/variant) with the platform it runs on.
type named struct {
	sc      env.Scenario
	variant *env.Platform
}

// planJobs lists the explorations: each scenario (or broken variant) on
// each of its platforms that is asked for, with each strategy. In broken
// mode a scenario stands for its broken variants, and a variant named
// itself for itself.
func planJobs(scs []named, only []env.Platform, strategies []env.Strategy, broken bool) []job {
	wanted := func(p env.Platform) bool {
		if len(only) == 0 {
			return true
		}
		for _, q := range only {
			if q.Name == p.Name {
				return true
			}
		}
		return false
	}
	var jobs []job
	for _, n := range scs {
		sc := n.sc
		type target struct {
			sc env.Scenario
			p  env.Platform
		}
		var targets []target
		switch {
		case n.variant != nil:
			targets = append(targets, target{sc, *n.variant})
		case broken:
			for _, b := range sc.Broken {
				v, p := sc.Variant(b)
				targets = append(targets, target{v, p})
			}
		default:
			for _, p := range sc.Platforms {
				targets = append(targets, target{sc, p})
			}
		}
		for _, t := range targets {
			if !wanted(t.p) {
				continue
			}
			for _, st := range strategies {
				jobs = append(jobs, job{t.sc, t.p, st})
			}
		}
	}
	return jobs
}

// report prints the table and the failures; in broken mode a variant with
// no failure is the problem.
func report(stdout io.Writer, stats []env.Stats, broken bool) error {
	w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "SCENARIO\tPLATFORM\tSTRATEGY\tRUNS\tDISTINCT\tFAILURES\tTIME")
	var runs, failures int
	for _, st := range stats {
		cut := ""
		if st.Cut {
			cut = " (cut short)"
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%d\t%d\t%d\t%s%s\n", st.Scenario, st.Platform, st.Strategy, st.Runs, st.Distinct, st.Failures, st.Elapsed.Round(time.Millisecond), cut)
		runs += st.Runs
		failures += st.Failures
	}
	fmt.Fprintf(w, "total\t\t\t%d\t\t%d\t\n", runs, failures)
	if err := w.Flush(); err != nil {
		return err
	}
	for _, st := range stats {
		if st.First != nil {
			label := "FAIL"
			if broken {
				label = "caught"
			}
			which := fmt.Sprintf("smallest seed %d", st.First.Seed)
			if st.Strategy == env.DFS {
				which = "first failing schedule " + st.First.Schedule
			}
			fmt.Fprintf(stdout, "\n%s %s on %s (%s): %d of %d runs failed, %s\n  %s\n  %s\n",
				label, st.Scenario, st.Platform, st.Strategy, st.Failures, st.Runs, which,
				firstLine(st.First.Err.Error()), st.First.ReplayCommand())
		}
	}
	err := verdict(stats, broken)
	if missed := missedVariants(stats, broken); missed > 0 {
		fmt.Fprintf(stdout, "\n%d broken explorations found no failure\n", missed)
	}
	return err
}

// verdict is errFailed if a run failed or, in broken mode, if a broken
// exploration found no failure.
func verdict(stats []env.Stats, broken bool) error {
	for _, st := range stats {
		if (st.Failures > 0) != broken {
			return errFailed
		}
	}
	return nil
}

// missedVariants counts, in broken mode, the explorations that found no
// failure.
func missedVariants(stats []env.Stats, broken bool) int {
	missed := 0
	for _, st := range stats {
		if broken && st.Failures == 0 {
			missed++
		}
	}
	return missed
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
