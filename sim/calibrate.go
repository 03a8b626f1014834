package sim

import (
	"context"
	"errors"
	"math"
	"slices"
)

// Calibration runs: how many, and of what, make the k PCT starts from.
const (
	// calibrationRandom is the number of Random runs (seeds 0, 1, ...).
	calibrationRandom = 4
	// calibrationPCTMin and calibrationPCTMax bound the PCT depth-1 runs:
	// they go on until calibrationPCTQuiet runs in a row found no longer
	// run.
	calibrationPCTMin, calibrationPCTMax, calibrationPCTQuiet = 8, 64, 8
)

// Calibration is what [Calibrate] measured.
type Calibration struct {
	// K is the k PCT explorations start from: the most task decisions of
	// one calibration run, Longest, and a quarter more.
	K int
	// Longest is the most task decisions of one calibration run (at
	// least 1).
	Longest int
	// Runs is the number of times root ran, PCT's runs made again with a
	// larger k included.
	Runs int

	// first is the first calibration run, which the determinism re-check
	// of an exploration makes again: a scenario whose runs change with
	// state shared across them may fail every run of the exploration
	// alike, after calibration runs that passed.
	first RecheckRun
	// failed is the first calibration run that failed, and its failure:
	// a failure is a failure whatever run found it, and one that does not
	// repeat is nondeterminism.
	failed        RecheckRun
	failedFailure *Failure
}

// Calibrate measures the number k of task decisions of a run, as [Explore]
// and [Check] do before exploring with PCT, so that code exploring seeds
// itself can give [PCTWithSteps] the same k (and a seed replays with it).
// opts are the options of the runs to come ([WithMaxSteps], say); a
// strategy among them is overridden.
//
// PCT's guarantee covers a bug only if the change points it needs lie
// within the first k task decisions, so k must reach as far as runs go.
// Random runs alone underestimate it: a task with a long private prefix
// runs it alone under Random, once the other tasks have ended, with no
// decision at all, when under PCT every step of the prefix is a decision.
// So Calibrate also makes PCT runs of depth 1, which have no change point:
// each runs its random priority order to its natural end, as the PCT runs
// to come will until their change points fire. Their count adapts to the
// scenario: they go on until 8 runs in a row found no longer run (at
// least 8, at most 64), so that a scenario with many orders gets more.
// And since PCT's change points, which calibration runs have none of,
// interleave the tasks more and can make a run longer still, K has a
// quarter more than the longest run as headroom: a PCT run that goes
// further all the same is made again with a larger k (see
// [PCTWithSteps]), and [ExploreResult.LongestRun] says how far runs went.
// The result depends on root and opts alone.
func Calibrate(root func(s *Sim), opts ...Option) Calibration {
	return calibrate(root, opts, func() bool { return false })
}

// CalibrateContext is [Calibrate], starting no more runs once ctx is done:
// the Calibration then describes the runs made, and its K is not the one
// Calibrate gives (an exploration cut short at that point runs no seed).
func CalibrateContext(ctx context.Context, root func(s *Sim), opts ...Option) Calibration {
	return calibrate(root, opts, func() bool { return ctx.Err() != nil })
}

// calibrate is Calibrate, checking stop before each run.
func calibrate(root func(s *Sim), opts []Option, stop func() bool) Calibration {
	pool := NewGoroutinePool()
	defer pool.Close()
	c := Calibration{Longest: 1}
	run := func(mk func() Strategy) bool {
		if stop() {
			return false
		}
		r, err := Run(root, append(slices.Clip(opts), WithStrategy(mk()), WithoutTrace(), WithGoroutinePool(pool))...)
		// The run as the re-check makes it again.
		again := RecheckRun{Strategy: mk, Schedule: r.Schedule, label: "calibration run " + r.Strategy}
		var f *Failure
		if errors.As(err, &f) {
			again.Failed, again.Message = true, f.Message
		}
		if c.Runs == 0 {
			c.first = again
		}
		if f != nil && c.failedFailure == nil {
			c.failed, c.failedFailure = again, f
		}
		c.Runs += r.Runs
		longer := r.TaskDecisions > c.Longest
		c.Longest = max(c.Longest, r.TaskDecisions)
		return longer
	}
	for seed := range uint64(calibrationRandom) {
		run(func() Strategy { return Random(seed) })
	}
	quiet := 0
	for seed := uint64(0); seed < calibrationPCTMax && (seed < calibrationPCTMin || quiet < calibrationPCTQuiet); seed++ {
		// Depth 1 draws no change point, so k is only the bound past
		// which Run would make the run again: none is needed.
		if run(func() Strategy { return PCTWithSteps(seed, 1, math.MaxInt32) }) {
			quiet = 0
		} else {
			quiet++
		}
	}
	c.K = c.Longest + (c.Longest+3)/4
	return c
}

// FirstRun returns the first calibration run as a [RecheckRun], for a
// harness that explores seeds itself to re-check with [Recheck] along
// with its own runs, as [Explore] does: a scenario whose runs change with
// state shared across them can fail every run after calibration alike,
// and only a run made before, made again, shows it. It is the zero
// RecheckRun, with no Strategy, if no run was made ([CalibrateContext]
// with a context already done).
func (c Calibration) FirstRun() RecheckRun { return c.first }

// FailedRun returns the first calibration run that failed as a
// [RecheckRun] (Failed set), for [Recheck] to make again along with a
// harness's own runs: one that does not fail again alike is
// nondeterminism. It is the zero RecheckRun if no calibration run failed.
func (c Calibration) FailedRun() RecheckRun { return c.failed }
