package sim

import (
	"flag"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRegisterFlags_EnvDefaults(t *testing.T) {
	env := map[string]string{"SIM_SEED": "17", "SIM_STRATEGY": "pct:2", "SIM_SEEDS": "10-19", "SIM_SCHEDULE": "1:01"}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	f := registerFlags(fs, lookup)
	assert.Equal(t, optSeed{set: true, v: 17}, f.seed)
	assert.Equal(t, "pct:2", f.strategy.v)
	assert.True(t, f.strategyEnv)
	assert.Equal(t, "10-19", f.seeds.v)
	assert.Equal(t, "1:01", f.schedule)
	require.NoError(t, fs.Parse([]string{"-sim.seed=3", "-sim.strategy=random"}))
	assert.Equal(t, uint64(3), f.seed.v)
	assert.Equal(t, "random", f.strategy.v)
	assert.NoError(t, f.envErr())
}

// TestRegisterFlags_BadEnvReported: a bad SIM_* value does not panic at
// registration (it would, at init, in every binary importing sim); it is
// kept out of the flag's value and reported by envErr, in one line naming
// the variable, unless the flag given on the command line overrides it.
func TestRegisterFlags_BadEnvReported(t *testing.T) {
	tests := []struct{ key, flag, value, want string }{
		{"SIM_SEED", "sim.seed", "x", `sim: SIM_SEED="x": want an unsigned integer`},
		{"SIM_STRATEGY", "sim.strategy", "nope", `sim: SIM_STRATEGY="nope": bad strategy spec: "nope" (want random, pct[:depth], portfolio or dfs[:preemptions])`},
		{"SIM_SEEDS", "sim.seeds", "5-1", `sim: SIM_SEEDS="5-1": want a range A-B of seeds with A <= B`},
		{"SIM_SEEDS", "sim.seeds", "0", `sim: SIM_SEEDS="0": want a number of seeds N >= 1 or a range A-B`},
	}
	for _, tt := range tests {
		t.Run(tt.key+"="+tt.value, func(t *testing.T) {
			lookup := func(k string) (string, bool) { return tt.value, k == tt.key }
			fs := flag.NewFlagSet("t", flag.ContinueOnError)
			var f *flagValues
			require.NotPanics(t, func() { f = registerFlags(fs, lookup) })
			assert.Equal(t, optSeed{}, f.seed)
			assert.Equal(t, "portfolio", f.strategy.v)
			assert.False(t, f.strategyEnv)
			assert.Empty(t, f.seeds.v)
			err := f.envErr()
			require.Error(t, err)
			assert.Equal(t, tt.want, err.Error())
			assert.NotContains(t, err.Error(), "\n")

			good := map[string]string{"sim.seed": "3", "sim.strategy": "random", "sim.seeds": "10"}[tt.flag]
			require.NoError(t, fs.Parse([]string{"-" + tt.flag + "=" + good}))
			assert.NoError(t, f.envErr(), "the command line overrides the environment")
		})
	}
}

func TestRegisterFlags_EmptyEnvIsUnset(t *testing.T) {
	lookup := func(k string) (string, bool) { return "", true }
	f := registerFlags(flag.NewFlagSet("t", flag.ContinueOnError), lookup)
	assert.NoError(t, f.envErr())
	assert.Equal(t, "portfolio", f.strategy.v)
	assert.False(t, f.strategyEnv)
	assert.False(t, f.seed.set)
}

func TestRegisterFlags_BadCommandLineIsFlagError(t *testing.T) {
	for _, arg := range []string{"-sim.seed=x", "-sim.strategy=nope", "-sim.seeds=9-3"} {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		registerFlags(fs, func(string) (string, bool) { return "", false })
		assert.Error(t, fs.Parse([]string{arg}), arg)
	}
}

// withFlags runs f with the package's flags read from env instead of the
// process environment and command line.
func withFlags(t *testing.T, env map[string]string, f func()) {
	t.Helper()
	old := flags
	defer func() { flags = old }()
	flags = registerFlags(flag.NewFlagSet("t", flag.ContinueOnError), func(k string) (string, bool) {
		v, ok := env[k]
		return v, ok
	})
	f()
}

// recordT is a TB that records what Check reports.
type recordT struct {
	logs   []string
	fatals []string
}

func (r *recordT) Helper()      {}
func (r *recordT) Name() string { return "TestX" }
func (r *recordT) Logf(format string, args ...any) {
	r.logs = append(r.logs, fmt.Sprintf(format, args...))
}
func (r *recordT) Fatalf(format string, args ...any) {
	r.fatals = append(r.fatals, fmt.Sprintf(format, args...))
}

func TestCheck_BadEnvFailsTest(t *testing.T) {
	runs := 0
	withFlags(t, map[string]string{"SIM_SEEDS": "lots"}, func() {
		rt := &recordT{}
		Check(rt, func(s *Sim) { runs++ }, WithSeeds(0, 10))
		require.Len(t, rt.fatals, 1)
		assert.Equal(t, `sim: SIM_SEEDS="lots": want a number of seeds N >= 1 or a range A-B`, rt.fatals[0])
	})
	assert.Zero(t, runs, "Check must not run the scenario with a bad environment")
}

func TestCheck_GoodEnvApplies(t *testing.T) {
	withFlags(t, map[string]string{"SIM_SEEDS": "5-9", "SIM_STRATEGY": "random"}, func() {
		rt := &recordT{}
		Check(rt, func(s *Sim) { s.Yield() }, WithSeeds(0, 100))
		require.Empty(t, rt.fatals)
		require.NotEmpty(t, rt.logs)
		assert.Contains(t, rt.logs[len(rt.logs)-1], "5 runs (random)")
	})
}

func TestParseSeeds(t *testing.T) {
	tests := []struct {
		give      string
		wantFirst uint64
		wantN     int
		wantErr   bool
	}{
		{"100", 0, 100, false},
		{"1000-1999", 1000, 1000, false},
		{"0", 0, 0, true},
		{"9-3", 0, 0, true},
		{"x", 0, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			first, n, err := parseSeeds(tt.give)
			if tt.wantErr {
				assert.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.wantFirst, first)
			assert.Equal(t, tt.wantN, n)
		})
	}
}

func TestRunPattern(t *testing.T) {
	assert.Equal(t, `^TestA$/^b\.c$`, runPattern("TestA/b.c"))
}

// TestProgressLog_Throttles drives the progress log with a fake clock: a
// line at most every interval, none for the last run (the summary line
// reports the end).
func TestProgressLog_Throttles(t *testing.T) {
	start := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	var now time.Time
	var lines []string
	p := &progressLog{
		logf:  func(format string, args ...any) { lines = append(lines, fmt.Sprintf(format, args...)) },
		now:   func() time.Time { return now },
		every: 2 * time.Second,
		start: start, last: start,
		unit: "seeds",
	}
	for i, at := range []time.Duration{0, 500 * time.Millisecond, 2100 * time.Millisecond, 2200 * time.Millisecond, 4 * time.Second, 4200 * time.Millisecond, 9 * time.Second} {
		now = start.Add(at)
		p.update(i+1, 10)
	}
	now = start.Add(time.Minute)
	p.update(10, 10)
	assert.Equal(t, []string{
		"sim: explored 3/10 seeds (2.1s)",
		"sim: explored 6/10 seeds (4.2s)",
		"sim: explored 7/10 seeds (9s)",
	}, lines)

	// DFS does not know its total: the count stands alone.
	lines = nil
	p.unit, p.last = "schedules", start
	now = start.Add(3 * time.Second)
	p.update(40, 0)
	assert.Equal(t, []string{"sim: explored 40 schedules (3s)"}, lines)
}

// TestCheck_ProgressLines: under -v (verbose), Check logs progress lines
// whose counts rise to the number of seeds, then the summary; without it,
// only the summary.
func TestCheck_ProgressLines(t *testing.T) {
	oldVerbose, oldEvery := verbose, progressEvery
	defer func() { verbose, progressEvery = oldVerbose, oldEvery }()
	progressEvery = 0 // a line after every run but the last
	root := func(s *Sim) {
		s.Go("w", func() { s.Yield() })
		s.Yield()
	}
	for _, v := range []bool{false, true} {
		verbose = func() bool { return v }
		withFlags(t, nil, func() {
			rt := &recordT{}
			Check(rt, root, WithSeeds(0, 20), WithWorkers(4))
			require.Empty(t, rt.fatals)
			require.NotEmpty(t, rt.logs)
			summary := rt.logs[len(rt.logs)-1]
			assert.Regexp(t, `^sim: explored 20 seeds in [0-9.]+[µm]?s \([0-9.]+[nµm]?s per run\): 20 runs \(portfolio\), \d+ distinct schedules, 0 failed`, summary)
			progress := rt.logs[:len(rt.logs)-1]
			if !v {
				assert.Empty(t, progress)
				return
			}
			want := make([]string, 19)
			for i := range want {
				want[i] = fmt.Sprintf("sim: explored %d/20 seeds (", i+1)
			}
			require.Len(t, progress, len(want))
			for i, line := range progress {
				assert.True(t, strings.HasPrefix(line, want[i]), "line %d: %q", i, line)
			}
		})
	}
}

func TestStrategySpec_PCTRuns(t *testing.T) {
	tests := []struct {
		spec      string
		first     uint64
		n         int
		wantDepth int
		wantRuns  int
	}{
		{"portfolio", 0, 100, 2, 33}, // 1, 4, ..., 97
		{"portfolio", 1, 1, 2, 1},
		{"portfolio", 2, 2, 2, 0},  // 2, 3
		{"portfolio", 5, 10, 2, 3}, // 7, 10, 13
		{"pct:3", 7, 50, 3, 50},
		{"random", 0, 100, 0, 0},
		{"dfs", 0, 100, 0, 0},
	}
	for _, tt := range tests {
		sp, err := ParseStrategy(tt.spec)
		require.NoError(t, err)
		d, runs := sp.pctRuns(tt.first, tt.n)
		// Count by brute force too, for the portfolio.
		if tt.spec == "portfolio" {
			want := 0
			for s := tt.first; s < tt.first+uint64(tt.n); s++ {
				if s%3 == 1 {
					want++
				}
			}
			require.Equal(t, want, tt.wantRuns, "test table: %+v", tt)
		}
		assert.Equal(t, tt.wantDepth, d, "%+v", tt)
		assert.Equal(t, tt.wantRuns, runs, "%+v", tt)
	}
}
