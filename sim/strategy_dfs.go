package sim

import (
	"errors"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"
)

// DFS returns a spec for bounded exhaustive search: [Explore] (or [Check])
// then runs every schedule that preempts a runnable task at most
// maxPreemptions times, in depth-first order, by replaying ever different
// prefixes of decisions (a stateless model checker with a preemption bound,
// as in CHESS and loom). Switching away from a task that blocked or
// ended is free, and so is handing a Yield's turn to the next task round
// the ring from the yielder; any other choice at a Yield (the yielder
// going on included), or letting tasks run before a due timer, counts as
// a preemption ([Decision.Preempts]), so that Yield loops and a polled
// deadline keep the search finite. The scenario must be
// deterministic apart from sim's decisions.
func DFS(maxPreemptions int) StrategySpec {
	return StrategySpec{kind: "dfs", param: max(maxPreemptions, 0)}
}

// dfsStrategy follows a prefix of decisions, then always picks option 0
// (never preempting), recording what it saw.
type dfsStrategy struct {
	prefix []int
	bound  int
	seen   []dfsDecision
}

type dfsDecision struct {
	n, chosen   int
	rule        preemptRule // which options are preemptions
	preemptions int         // preemptions before this decision
}

func (d *dfsStrategy) Name() string { return fmt.Sprintf("dfs(preemptions<=%d)", d.bound) }

func (d *dfsStrategy) Choose(dec *Decision) int {
	i := len(d.seen)
	c := 0
	if i < len(d.prefix) {
		c = d.prefix[i]
	}
	pre := 0
	if i > 0 {
		last := d.seen[i-1]
		pre = last.preemptions
		if last.rule.preempts(last.chosen, last.n) {
			pre++
		}
	}
	d.seen = append(d.seen, dfsDecision{n: dec.N, chosen: c, rule: dec.rule, preemptions: pre})
	return c
}

// nextPrefix returns the prefix of the next schedule in depth-first order,
// or false when the search is complete.
func (d *dfsStrategy) nextPrefix() ([]int, bool) {
	for i := len(d.seen) - 1; i >= 0; i-- {
		x := d.seen[i]
		alt := x.chosen + 1
		if alt >= x.n {
			continue
		}
		if x.rule.preempts(alt, x.n) && x.preemptions+1 > d.bound {
			continue // the preempting options come last, so none is left
		}
		prefix := make([]int, i+1)
		for j := range i {
			prefix[j] = d.seen[j].chosen
		}
		prefix[i] = alt
		return prefix, true
	}
	return nil, false
}

// dfsWalk runs root under every schedule that preempts at most bound
// times, in depth-first order, calling visit after each run until visit
// returns false, maxRuns runs were made, or stop reports true before a
// run. It returns the number of runs and whether the search was complete.
func dfsWalk(root func(s *Sim), opts []Option, bound, maxRuns int, stop func() bool, visit func(r *Result, err error) bool) (runs int, complete bool) {
	var prefix []int
	pool := NewGoroutinePool()
	defer pool.Close()
	for runs < maxRuns && !stop() {
		st := &dfsStrategy{prefix: prefix, bound: bound}
		r, err := Run(root, append(slices.Clip(opts), WithStrategy(st), WithoutTrace(), WithGoroutinePool(pool))...)
		runs++
		if !visit(r, err) {
			return runs, false
		}
		next, ok := st.nextPrefix()
		if !ok {
			return runs, true
		}
		prefix = next
	}
	return runs, false
}

func exploreDFS(root func(s *Sim), c exploreConfig) ExploreResult {
	res := ExploreResult{Strategy: c.spec.String()}
	hashes := make(map[uint64]struct{})
	n := 0 // runs so far
	// Passing runs to re-check for determinism: those numbered 1, 2, 4,
	// 8, ..., so that the sample spreads over a search of unknown length.
	type sample struct {
		run      int
		schedule string
	}
	var passing []sample
	res.Runs, res.Complete = dfsWalk(root, c.runOpts, c.spec.param, c.maxRuns, c.stopped, func(r *Result, err error) bool {
		n++
		res.TotalSteps += r.Steps
		res.MaxSteps = max(res.MaxSteps, r.Steps)
		res.MaxTasks = max(res.MaxTasks, r.Tasks)
		h := fnv.New64a()
		h.Write([]byte(r.Schedule))
		hashes[h.Sum64()] = struct{}{}
		if c.progress != nil {
			c.progress(n, 0) // the total is unknown until the search ends
		}
		var f *Failure
		if errors.As(err, &f) {
			res.Failures++
			if res.Failure == nil {
				res.Failure = f
				res.failingRun = n
			}
			return c.keepAll
		}
		if n&(n-1) == 0 {
			passing = append(passing, sample{n, r.Schedule})
		}
		return true
	})
	res.CutShort = !res.Complete && c.stopped()
	res.Distinct = len(hashes)

	// Re-check the failing run and sampled passing ones, as the
	// seeded explorations do: a DFS over a scenario that escapes the
	// scheduler explores schedules that do not exist.
	type recheckRun struct {
		RecheckRun
		run int // its number in the search
	}
	var runs []recheckRun
	if f := res.Failure; f != nil && !errors.Is(f, ErrDivergence) {
		// A divergence is already the nondeterminism report: its
		// prefix, replayed, cannot repeat the message.
		schedule := f.Schedule
		runs = append(runs, recheckRun{RecheckRun{Strategy: func() Strategy { return Replay(schedule) }, Failed: true, Message: f.Message, Schedule: schedule}, res.failingRun})
	}
	for _, p := range pickRechecks(passing, c.rechecks) {
		runs = append(runs, recheckRun{RecheckRun{Strategy: func() Strategy { return Replay(p.schedule) }, Schedule: p.schedule}, p.run})
	}
	for _, r := range runs {
		if c.stopped() {
			break // cut short: make no more runs
		}
		if f, _ := recheckRuns(root, []RecheckRun{r.RecheckRun}, c.runOpts, c.stopped); f != nil {
			msg := fmt.Sprintf("DFS run %d, %s", r.run, f.Message)
			f.Report = strings.Replace(f.Report, f.Message, msg, 1)
			f.Message = msg
			if !r.Failed {
				res.Failures++ // a passing run, now a failure of its own kind
			}
			// The tree searched was not the scenario's: no claim to
			// have covered it.
			res.Failure, res.failingRun, res.Complete = f, r.run, false
			break
		}
	}
	return res
}
