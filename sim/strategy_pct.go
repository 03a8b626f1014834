package sim

import (
	"fmt"
	"math/rand/v2"
	"slices"
)

// DefaultPCTSteps is the estimate of k (the number of task decisions of a
// run) that [PCT] assumes. [Check] and [Explore] measure k instead, with a
// first run, and use [PCTWithSteps].
const DefaultPCTSteps = 50

// PCT returns the probabilistic concurrency testing strategy of Burckhardt
// et al. (ASPLOS 2010) for bugs of the given depth (≥ 1), assuming runs of
// about [DefaultPCTSteps] task decisions.
func PCT(seed uint64, depth int) Strategy {
	return PCTWithSteps(seed, depth, DefaultPCTSteps)
}

// PCTWithSteps is [PCT] for runs of about k task decisions.
//
// Every task gets a random priority when first seen (so a new task lands at
// a random rank); at each task decision the runnable task of highest
// priority runs. depth-1 change points are drawn uniformly from [1, k]; at
// the i-th, the task that would run drops to priority i, below every
// initial priority (at most k-1 change points, so a one-decision run has
// none). Only decisions between two or more tasks count as steps.
// A task that yields drops below every initial priority too, so spin loops
// end. Other decisions (select cases, timer ties, [Sim.Intn]) are uniform.
//
// On a run of n tasks and k steps it finds any given bug of depth d with
// probability at least 1/(n·k^(d-1)); n counts every task of the run, root
// included (each one gets a priority and is chosen among).
func PCTWithSteps(seed uint64, depth, k int) Strategy {
	if depth < 1 {
		depth = 1
	}
	if k < 1 {
		k = 1
	}
	p := &pctStrategy{seed: seed, depth: depth, k: k, rng: newRNG(seed)}
	n := min(depth-1, k-1) // as shuttle: a run of k steps has k-1 places to change
	points := make(map[int]bool, n)
	for len(p.change) < n {
		c := 1 + p.rng.IntN(k)
		if !points[c] {
			points[c] = true
			p.change = append(p.change, c)
		}
	}
	// The i-th change point in draw order gets priority i, as in the paper.
	p.yieldPrio = int64(depth) + 1<<40
	return p
}

type pctStrategy struct {
	seed      uint64
	depth, k  int
	rng       *rand.Rand
	change    []int   // change-point steps, in draw order
	prio      []int64 // by task id; 0 = not seen yet
	steps     int
	yieldPrio int64
}

func (p *pctStrategy) Name() string {
	return fmt.Sprintf("pct(seed=%d,depth=%d,k=%d)", p.seed, p.depth, p.k)
}

func (p *pctStrategy) Seed() uint64 { return p.seed }

func (p *pctStrategy) priority(id int) int64 {
	if id >= len(p.prio) {
		p.prio = slices.Grow(p.prio, id+1-len(p.prio))[:id+1]
	}
	if p.prio[id] == 0 {
		p.prio[id] = int64(p.depth) + 1<<41 + p.rng.Int64N(1<<50)
	}
	return p.prio[id]
}

func (p *pctStrategy) Choose(d *Decision) int {
	if d.Kind != KindTask {
		return p.rng.IntN(d.N)
	}
	for _, id := range d.Tasks {
		p.priority(id)
	}
	p.steps++
	curRunnable := d.Tasks[0] == d.Current
	if d.Yielding && curRunnable {
		p.prio[d.Current] = p.yieldPrio
		p.yieldPrio--
	}
	if i := slices.Index(p.change, p.steps); i >= 0 {
		target := d.Tasks[p.best(d)]
		if curRunnable {
			target = d.Current
		}
		p.prio[target] = int64(i + 1)
	}
	return p.best(d)
}

// best returns the option of highest priority (lowest id on ties).
func (p *pctStrategy) best(d *Decision) int {
	bi := 0
	for i, id := range d.Tasks {
		bp, ip := p.prio[d.Tasks[bi]], p.prio[id]
		if ip > bp || (ip == bp && id < d.Tasks[bi]) {
			bi = i
		}
	}
	return bi
}
