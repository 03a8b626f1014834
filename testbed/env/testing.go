package env

import (
	"errors"
	"flag"
	"os"
	"sort"
	"strconv"
	"testing"
)

// Budgets of Test and TestBroken. The flags are registered under the
// testbed. prefix; TESTBED_SEEDS and TESTBED_REAL_RUNS set their defaults.
var (
	flagSeeds    = flag.Int("testbed.seeds", envInt("TESTBED_SEEDS", 300), "sim seeds per scenario, platform and strategy (-short divides by 6)")
	flagRealRuns = flag.Int("testbed.realruns", envInt("TESTBED_REAL_RUNS", 20), "runs on real goroutines per scenario and platform (-short divides by 4)")
)

func envInt(key string, def int) int {
	if v, ok := os.LookupEnv(key); ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			panic("env: " + key + "=" + v + " is not a positive integer")
		}
		return n
	}
	return def
}

// Seeds is the number of sim seeds a test explores per scenario, platform
// and strategy, after -short scaling.
func Seeds() int {
	if testing.Short() {
		return max(1, *flagSeeds/6)
	}
	return *flagSeeds
}

func realRuns() int {
	if testing.Short() {
		return max(1, *flagRealRuns/4)
	}
	return *flagRealRuns
}

// Test runs the scenario on each of its platforms: repeatedly on real
// goroutines where the platform allows it (run the tests with -race), and
// under sim over Seeds() seeds with Random and PCT, and over up to Seeds()
// schedules with DFS. A failure names the
// smallest failing seed and the command that replays it.
func Test(t *testing.T, sc Scenario, cfg Config) {
	t.Helper()
	TestOn(t, sc, sc.Platforms, cfg)
}

// TestOn is Test on the given platforms (each must be one of the
// scenario's, by name; cfg.Manager may replace its manager).
func TestOn(t *testing.T, sc Scenario, platforms []Platform, cfg Config) {
	t.Helper()
	for _, p := range platforms {
		t.Run(p.Name, func(t *testing.T) {
			if p.Real {
				t.Run("real", func(t *testing.T) {
					for i := 0; i < realRuns(); i++ {
						out, err := RunReal(sc, p, cfg)
						if err != nil {
							t.Fatalf("run %d: %v\nspans:\n%s", i, err, out.Tree())
						}
					}
				})
			}
			for _, st := range AllStrategies() {
				t.Run(string(st), func(t *testing.T) {
					stats, err := Explore(sc, p, Exploration{Strategy: st, Seeds: Seeds(), Config: cfg})
					if err != nil {
						t.Fatal(err)
					}
					if stats.First != nil {
						t.Fatalf("%d of %d runs failed; smallest failing seed:\n%v", stats.Failures, stats.Runs, stats.First)
					}
					if st != DFS && stats.Runs != Seeds() {
						t.Fatalf("ran %d seeds, want %d", stats.Runs, Seeds())
					}
				})
			}
		})
	}
}

// TestBroken asserts that each broken variant of the scenario is caught:
// exploring it under sim finds a failing seed, and replaying that seed, and
// its recorded schedule, reproduces the same failure.
func TestBroken(t *testing.T, sc Scenario) {
	t.Helper()
	if len(sc.Broken) == 0 {
		t.Fatalf("scenario %s has no broken variant: the testbed must be able to fail", sc.Name)
	}
	for _, b := range sc.Broken {
		t.Run(b.Name, func(t *testing.T) {
			v, p := sc.Variant(b)
			var first *Failure
			for _, st := range Strategies() {
				stats, err := Explore(v, p, Exploration{Strategy: st, Seeds: max(Seeds(), 200), StopAtFirst: true, Workers: 1})
				if err != nil {
					t.Fatal(err)
				}
				if stats.First == nil {
					t.Errorf("%s: %s explored %d seeds and found no failure", v.Name, st, stats.Runs)
					continue
				}
				if first == nil {
					first = stats.First
				}
			}
			if first == nil {
				return
			}
			t.Logf("caught: %v", first)
			_, err := RunSim(v, p, Config{Strategy: first.Strategy, Seed: first.Seed})
			var f *Failure
			if !errors.As(err, &f) {
				t.Fatalf("replaying seed %d passed, want the failure %v", first.Seed, first.Err)
			}
			if f.Schedule != first.Schedule || f.Err.Error() != first.Err.Error() {
				t.Fatalf("replaying seed %d gave a different failure:\n%v\nwant:\n%v", first.Seed, f, first)
			}
			replayed, err := RunSim(v, p, Config{Strategy: first.Strategy, Schedule: first.Schedule})
			if !errors.As(err, &f) || replayed.Schedule != first.Schedule {
				t.Fatalf("replaying schedule %q did not reproduce the failure", first.Schedule)
			}
		})
	}
}

// TestBrokenOdds pins down which broken variants of the scenario depend on
// the interleaving. everySchedule names variants: true for one that must
// fail on every schedule (a plain mistake), false for one that must fail on
// some schedules and pass on others (a race: if every run of every
// strategy failed, it would not be the interleaving bug it claims to be;
// one strategy, PCT say, may fail every run). Each strategy explores
// Seeds() seeds, at least 200.
func TestBrokenOdds(t *testing.T, sc Scenario, everySchedule map[string]bool) {
	t.Helper()
	names := make([]string, 0, len(everySchedule))
	for name := range everySchedule {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			b, err := sc.BrokenByName(name)
			if err != nil {
				t.Fatal(err)
			}
			v, p := sc.Variant(b)
			passed := 0 // runs that passed, over every strategy
			for _, st := range Strategies() {
				stats, err := Explore(v, p, Exploration{Strategy: st, Seeds: max(Seeds(), 200)})
				if err != nil {
					t.Fatal(err)
				}
				t.Logf("%s: %d of %d runs failed, %d distinct schedules", st, stats.Failures, stats.Runs, stats.Distinct)
				switch {
				case stats.Failures == 0:
					t.Errorf("%s found no failure", st)
				case everySchedule[name] && stats.Failures != stats.Runs:
					t.Errorf("%s: %d of %d runs passed, want every schedule to fail", st, stats.Runs-stats.Failures, stats.Runs)
				}
				passed += stats.Runs - stats.Failures
			}
			// A race may fail every run of one strategy (PCT at its depth
			// often does), but some schedule must pass.
			if !everySchedule[name] && passed == 0 {
				t.Errorf("every run of every strategy failed: the bug should depend on the schedule")
			}
		})
	}
}
