package sim

import (
	"errors"
	"fmt"
	"slices"
)

// DefaultShrinkRuns bounds the runs of [Shrink]'s greedy passes.
const DefaultShrinkRuns = 2000

// DefaultShrinkSearchRuns bounds the runs of [Shrink]'s bounded-preemption
// search, which proves the preemption count minimal.
const DefaultShrinkSearchRuns = 50_000

// shrinkSearchRuns is the bound in force: DefaultShrinkSearchRuns, but for
// tests of a search that runs out.
var shrinkSearchRuns = DefaultShrinkSearchRuns

// Shrink minimises a failing schedule of root: it replays variations of it
// with [ReplayPrefix] and keeps those that still fail with the same kind of
// error ([ErrPanic], [ErrDeadlock]...), until none helps. In turn it sets
// each choice to the default 0 (which removes a preemption), lowers each
// choice by one, deletes each choice, and drops the trailing defaults. The
// result replays with ReplayPrefix; the returned failure is its run's. If
// schedule does not fail at all, Shrink returns it unchanged and nil.
//
// Greedy passes stop in local minima, so Shrink then searches, as [DFS]
// does, every schedule with 0, 1, 2... preemptions, fewer than the best
// found, within [DefaultShrinkSearchRuns] runs: a failure of the same
// kind at bound b replaces the result (shrunk again within b). So the
// result's preemption count is the smallest at which a bounded DFS finds
// the bug, an empirical depth of it, unless the search ran out of runs.
//
// opts are passed to every run (a [WithStrategy] among them is ignored).
// [ShrinkReport] also says whether the search proved the count minimal.
func Shrink(root func(s *Sim), schedule string, opts ...Option) (string, *Failure) {
	r := ShrinkReport(root, schedule, opts...)
	return r.Schedule, r.Failure
}

// ShrinkResult is what [ShrinkReport] found.
type ShrinkResult struct {
	// Schedule and Failure are [Shrink]'s results.
	Schedule string
	Failure  *Failure
	// Minimal reports that the bounded-preemption search ran every
	// schedule with fewer preemptions than Failure's and none failed so:
	// Failure.Preemptions is the smallest at which a bounded DFS finds the
	// bug. False when the search ran out of its [DefaultShrinkSearchRuns]
	// runs first (the count is then only an upper bound), and when
	// schedule did not fail.
	Minimal bool
	// Runs counts the runs made, greedy passes and search.
	Runs int
	// CutShort reports that [Check]'s time budget or context ended the
	// shrinking before it was done ([WithTimeBudget]): not Minimal.
	CutShort bool
}

// String describes the result in a phrase, as Check's log prints it.
func (r ShrinkResult) String() string {
	switch {
	case r.Failure == nil:
		return "the schedule does not fail"
	case r.Minimal:
		return fmt.Sprintf("%d preemptions, the fewest: no schedule with fewer fails so", r.Failure.Preemptions)
	case r.CutShort:
		return fmt.Sprintf("%d preemptions, perhaps not the fewest: the time budget ended the search for fewer", r.Failure.Preemptions)
	}
	return fmt.Sprintf("%d preemptions, perhaps not the fewest: the search for fewer ran out of its %d runs", r.Failure.Preemptions, shrinkSearchRuns)
}

// ShrinkReport is [Shrink], saying also whether the preemption count it
// ends at is proven minimal and how many runs it took.
func ShrinkReport(root func(s *Sim), schedule string, opts ...Option) ShrinkResult {
	return shrinkReport(root, schedule, opts, func() bool { return false })
}

// shrinkReport is ShrinkReport, stopping where it is once stop says so
// (Check's time budget).
func shrinkReport(root func(s *Sim), schedule string, opts []Option, stop func() bool) ShrinkResult {
	best, bestF, runs := shrinkGreedy(root, schedule, opts, stop)
	if bestF == nil {
		return ShrinkResult{Schedule: best, Runs: runs}
	}
	kind := bestF.Err
	budget := shrinkSearchRuns
	cut := func() ShrinkResult {
		return ShrinkResult{Schedule: best, Failure: bestF, Runs: runs, CutShort: stop()}
	}
	for bound := 0; bound < bestF.Preemptions; bound++ {
		if budget <= 0 || stop() {
			return cut()
		}
		var found string
		n, complete := dfsWalk(root, opts, bound, budget, stop, func(r *Result, err error) bool {
			var f *Failure
			if errors.As(err, &f) && f.Err == kind {
				found = TrimSchedule(r.Schedule)
				return false
			}
			return true
		})
		budget -= n
		runs += n
		if found != "" {
			// Every bound below this one was searched in full.
			s, f, m := shrinkGreedy(root, found, opts, stop)
			runs += m
			if f != nil && f.Preemptions <= bound {
				return ShrinkResult{Schedule: s, Failure: f, Minimal: true, Runs: runs}
			}
			// found failed in the search and not when replayed: the
			// scenario escapes the scheduler. Keep what the greedy
			// passes had, unproven.
			return ShrinkResult{Schedule: best, Failure: bestF, Runs: runs}
		}
		if !complete {
			return cut()
		}
	}
	return ShrinkResult{Schedule: best, Failure: bestF, Minimal: true, Runs: runs}
}

// shrinkGreedy is Shrink's greedy part: it never accepts a schedule with
// more preemptions than the current one.
// It returns the runs it made too, and stops early once stop says so.
func shrinkGreedy(root func(s *Sim), schedule string, opts []Option, stop func() bool) (string, *Failure, int) {
	pool := NewGoroutinePool()
	defer pool.Close()
	try := func(c []int) (string, *Failure) {
		res, err := Run(root, append(slices.Clip(opts), WithStrategy(ReplayPrefix(EncodeSchedule(c))), WithoutTrace(), WithGoroutinePool(pool))...)
		var f *Failure
		if !errors.As(err, &f) || errors.Is(err, ErrDivergence) {
			return "", nil
		}
		return TrimSchedule(res.Schedule), f
	}
	cur, err := DecodeSchedule(schedule)
	if err != nil {
		return schedule, nil, 0
	}
	best, bestF := try(cur)
	if bestF == nil {
		return schedule, nil, 1
	}
	kind := bestF.Err
	cur, _ = DecodeSchedule(best)
	runs := 1
	more := func() bool { return runs < DefaultShrinkRuns && !stop() }
	accept := func(c []int) bool {
		if !more() {
			return false
		}
		runs++
		s, f := try(c)
		if f == nil || f.Err != kind {
			return false
		}
		next, _ := DecodeSchedule(s)
		if f.Preemptions > bestF.Preemptions || len(next) > len(cur) || (len(next) == len(cur) && slices.Compare(next, cur) >= 0) {
			return false
		}
		cur, best, bestF = next, s, f
		return true
	}
	// Greedy passes stop in local minima (dropping one preemption often
	// needs the others moved), so first look for the fewest non-default
	// choices directly: every schedule with one (then two) of them, in
	// lexicographic order, no longer than the current one plus two.
	nonzero := func(c []int) int {
		n := 0
		for _, v := range c {
			if v != 0 {
				n++
			}
		}
		return n
	}
	maxV := slices.Max(append([]int{1}, cur...))
	length := len(cur) + 2
	var search func(c []int, from, left int) bool
	search = func(c []int, from, left int) bool {
		if left == 0 {
			return acceptFewer(c, &cur, &best, &bestF, kind, &runs, try, nonzero)
		}
		for p := from; p < length && more(); p++ {
			for v := 1; v <= maxV; v++ {
				c[p] = v
				if search(c, p+1, left-1) {
					return true
				}
			}
			c[p] = 0
		}
		return false
	}
	for nz := 1; nz <= 2 && nz < nonzero(cur); nz++ {
		if search(make([]int, length), 0, nz) {
			break
		}
	}
	for improved := true; improved && more(); {
		improved = false
		passes := []func(i int) []int{
			func(i int) []int { // default choice: no preemption here
				if cur[i] == 0 {
					return nil
				}
				c := slices.Clone(cur)
				c[i] = 0
				return c
			},
			func(i int) []int { // lower choice
				if cur[i] <= 1 {
					return nil
				}
				c := slices.Clone(cur)
				c[i]--
				return c
			},
			func(i int) []int { // delete choice
				return slices.Delete(slices.Clone(cur), i, i+1)
			},
		}
		for _, pass := range passes {
			for i := 0; i < len(cur); i++ {
				if c := pass(i); c != nil && accept(c) {
					improved = true
					i--
				}
			}
		}
	}
	return best, bestF, runs
}

// acceptFewer runs schedule c and, if it fails with the same kind using
// fewer non-default choices than *cur, makes it the current best.
func acceptFewer(c []int, cur *[]int, best *string, bestF **Failure, kind error, runs *int,
	try func([]int) (string, *Failure), nonzero func([]int) int) bool {
	*runs++
	s, f := try(c)
	if f == nil || f.Err != kind {
		return false
	}
	next, _ := DecodeSchedule(s)
	if nonzero(next) >= nonzero(*cur) || f.Preemptions > (*bestF).Preemptions {
		return false
	}
	*cur, *best, *bestF = next, s, f
	return true
}
