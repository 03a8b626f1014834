package sim

import (
	"errors"
	"fmt"
	"hash/fnv"
)

// DFS returns a spec for bounded exhaustive search: [Explore] (or [Check])
// then runs every schedule that preempts a runnable task at most
// maxPreemptions times, in depth-first order, by replaying ever different
// prefixes of decisions (a stateless model checker with a preemption bound,
// as in CHESS and loom). Switching away from a task that blocked or ended
// is free. The scenario must be deterministic apart from sim's decisions.
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
	canPreempt  bool // options other than 0 preempt the current task
	preemptions int  // preemptions before this decision
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
		if last.canPreempt && last.chosen != 0 {
			pre++
		}
	}
	d.seen = append(d.seen, dfsDecision{n: dec.N, chosen: c, canPreempt: dec.Preempts(1), preemptions: pre})
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
		if x.canPreempt && x.preemptions+1 > d.bound {
			continue
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

func exploreDFS(root func(s *Sim), c exploreConfig) ExploreResult {
	res := ExploreResult{Strategy: c.spec.String()}
	hashes := make(map[uint64]struct{})
	var prefix []int
	for res.Runs < c.maxRuns {
		st := &dfsStrategy{prefix: prefix, bound: c.spec.param}
		r, err := Run(root, c.with(st)...)
		res.Runs++
		res.TotalSteps += r.Steps
		res.MaxSteps = max(res.MaxSteps, r.Steps)
		res.MaxTasks = max(res.MaxTasks, r.Tasks)
		h := fnv.New64a()
		h.Write([]byte(r.Schedule))
		hashes[h.Sum64()] = struct{}{}
		if c.progress != nil {
			c.progress(res.Runs, 0) // the total is unknown until the search ends
		}
		var f *Failure
		if errors.As(err, &f) {
			res.Failures++
			if res.Failure == nil {
				res.Failure = f
			}
			if !c.keepAll {
				break
			}
		}
		next, ok := st.nextPrefix()
		if !ok {
			res.Complete = true
			break
		}
		prefix = next
	}
	res.Distinct = len(hashes)
	return res
}
