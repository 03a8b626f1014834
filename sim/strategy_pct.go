package sim

import (
	"fmt"
	"math/rand/v2"
)

// DefaultPCTSteps is the estimate of k (the number of task decisions of a
// run) that [PCT] starts from. [Check] and [Explore] start from the k
// [Calibrate] measures instead, with [PCTWithSteps]; either way the k a run
// reports is one it really kept within (see [PCTWithSteps]).
const DefaultPCTSteps = 50

// PCT returns the probabilistic concurrency testing strategy of Burckhardt
// et al. (ASPLOS 2010) for bugs of the given depth (≥ 1), starting from an
// estimate of [DefaultPCTSteps] task decisions per run.
func PCT(seed uint64, depth int) Strategy {
	return PCTWithSteps(seed, depth, DefaultPCTSteps)
}

// maxPCTAttempts bounds the runs [Run] makes to fit PCT's k to a run.
const maxPCTAttempts = 16

// PCTWithSteps is [PCT] starting from an estimate of k task decisions per
// run.
//
// Every task gets a random priority when it is spawned (so a new task
// lands at a random rank); at each task decision the runnable task of
// highest priority runs. depth-1 change points are drawn uniformly from
// [1, k]; at the i-th, the task that would run drops to priority i, below
// every initial priority (at most k-1 change points, so a one-decision run
// has none). Only decisions between two or more tasks count as steps. A
// task that yields a second time with no other task run since its first
// drops below every priority, change points' included, and below every
// task that dropped so before it, so that a task waiting in a Yield loop
// lets every other runnable task run first and spin loops end. A single
// Yield changes nothing: a bug that needs a task to go on past one Yield
// keeps PCT's bound (dropping at the first Yield put such a bug out of
// reach at every depth). What the second drop gives up is the schedules
// in which a task goes on through two Yields in a row while others could
// run, which a spin loop's are. That is outside PCT's bound (a task that
// writes between two Yields is a counterexample), so an exploration whose
// PCT runs dropped a yielder prints no miss bound
// ([ExploreResult.PCTYieldDrops]). Other decisions (select cases, timers,
// [Sim.Intn]) are uniform.
//
// On a run of n tasks and at most k steps it finds any given bug of depth
// d with probability at least 1/(n·k^(d-1)); n counts every task of the
// run, root included (each one gets a priority and is chosen among). That
// holds only if the run really has at most k steps, and PCT runs can be
// much longer than the runs k was measured on (a task with a long private
// prefix makes a decision at every step under PCT, when it runs alone
// under Random). So k is kept honest: when a run makes more than k task
// decisions, [Run] runs the scenario again, from the start, with the same
// seed and k raised to the larger of 2k and the run's count, until a run
// fits (at most 16 runs); [Result.Runs] counts them, and the strategy's
// name (Result.Strategy, Failure.Strategy) gives the k of the run
// returned. A run that fails is returned at once: its failure is real
// whatever k it had. Since the runs a seed makes depend on the seed
// alone, the seed still replays.
//
// Fitting k to a run is not enough on its own, for a run's length depends
// on its change points: one that fires early, before the long task's
// prefix is done, cuts the run short, and a run so cut fits a k too small
// to reach the bug. The guarantee is the first attempt's, for a bug whose
// change points lie within its k; so a k that reaches as far as runs go
// must come first, and [Explore] and [Check] measure one with [Calibrate]
// (PCT runs without change points among them) before the first seed.
func PCTWithSteps(seed uint64, depth, k int) Strategy {
	if depth < 1 {
		depth = 1
	}
	if k < 1 {
		k = 1
	}
	// Yielders take priorities -1, -2, ...: 0 marks a task not seen yet,
	// which would give the first yielder a fresh random priority instead.
	p := &pctStrategy{seed: seed, depth: depth, k: k, rng: newRNG(seed), low: -1, yielder: -1}
	n := min(depth-1, k-1) // as shuttle: a run of k steps has k-1 places to change
	for len(p.change) < n {
		c := 1 + p.rng.IntN(k)
		fresh := true
		for _, x := range p.change {
			fresh = fresh && x != c
		}
		if fresh {
			p.change = append(p.change, c)
		}
	}
	return p
}

type pctStrategy struct {
	seed     uint64
	depth, k int
	rng      *rand.Rand
	change   []int   // change-point steps, in draw order
	prio     []int64 // by task id; 0 = not seen yet
	steps    int
	low      int64 // the next yielder's priority, below all others
	// yielder is the task that yielded last and ran on, with no other
	// task run since (-1 if none): if it yields again, it drops.
	yielder int
	heap    pctHeap // the runnable tasks waiting to run, by priority
	// dropped says a yielder dropped in this run: outside PCT's bound.
	dropped bool
}

func (p *pctStrategy) Name() string {
	return fmt.Sprintf("pct(seed=%d,depth=%d,k=%d)", p.seed, p.depth, p.k)
}

func (p *pctStrategy) Seed() uint64 { return p.seed }

// again returns the strategy for another run when the run just made (of
// taskDecs task decisions, attempt number attempt) was longer than k.
func (p *pctStrategy) again(taskDecs, attempt int) Strategy {
	if taskDecs <= p.k || attempt >= maxPCTAttempts {
		return nil
	}
	return PCTWithSteps(p.seed, p.depth, max(2*p.k, taskDecs))
}

// added gives a task its initial priority when first seen (at its spawn,
// in spawn order) and tracks it in the heap.
func (p *pctStrategy) added(id int) {
	for len(p.prio) <= id {
		p.prio = append(p.prio, 0)
	}
	if p.prio[id] == 0 {
		p.prio[id] = int64(p.depth) + 1<<41 + p.rng.Int64N(1<<50)
	}
	p.heap.push(id, p.prio)
}

func (p *pctStrategy) removed(id int) { p.heap.remove(id, p.prio) }

func (p *pctStrategy) Choose(d *Decision) int {
	if d.Kind != KindTask {
		return p.rng.IntN(d.N)
	}
	p.steps++
	cur := -1
	if d.rule != preemptNone {
		cur = d.Current // it can go on running
	}
	if d.Yielding && cur >= 0 {
		if p.yielder == cur {
			p.prio[cur] = p.low
			p.low--
			p.yielder = -1
			p.dropped = true
		} else {
			p.yielder = cur
		}
	}
	for i, c := range p.change {
		if c != p.steps {
			continue
		}
		if cur >= 0 {
			p.prio[cur] = int64(i + 1)
		} else {
			top := p.heap.top()
			p.prio[top] = int64(i + 1)
			p.heap.fix(top, p.prio)
		}
	}
	best := p.heap.top()
	if cur >= 0 && (best < 0 || higher(p.prio, cur, best)) {
		best = cur
	}
	if best != p.yielder {
		p.yielder = -1 // another task runs: the next Yield is a first one
	}
	return d.option(best)
}

// higher reports whether task a has priority over task b (the lower id on
// ties).
func higher(prio []int64, a, b int) bool {
	return prio[a] > prio[b] || (prio[a] == prio[b] && a < b)
}

// pctHeap is a max-heap of task ids by priority, indexed by id so that a
// task leaves it or changes priority in O(log n).
type pctHeap struct {
	ids []int
	pos []int // by id; -1 if not in the heap
}

func (h *pctHeap) top() int {
	if len(h.ids) == 0 {
		return -1
	}
	return h.ids[0]
}

func (h *pctHeap) push(id int, prio []int64) {
	for len(h.pos) <= id {
		h.pos = append(h.pos, -1)
	}
	if h.pos[id] >= 0 {
		return
	}
	h.pos[id] = len(h.ids)
	h.ids = append(h.ids, id)
	h.up(len(h.ids)-1, prio)
}

func (h *pctHeap) remove(id int, prio []int64) {
	if id >= len(h.pos) || h.pos[id] < 0 {
		return
	}
	i, last := h.pos[id], len(h.ids)-1
	h.swap(i, last)
	h.ids = h.ids[:last]
	h.pos[id] = -1
	if i < last {
		h.fixAt(i, prio)
	}
}

func (h *pctHeap) fix(id int, prio []int64) {
	if id < len(h.pos) && h.pos[id] >= 0 {
		h.fixAt(h.pos[id], prio)
	}
}

func (h *pctHeap) fixAt(i int, prio []int64) {
	if !h.down(i, prio) {
		h.up(i, prio)
	}
}

func (h *pctHeap) swap(i, j int) {
	h.ids[i], h.ids[j] = h.ids[j], h.ids[i]
	h.pos[h.ids[i]], h.pos[h.ids[j]] = i, j
}

func (h *pctHeap) up(i int, prio []int64) {
	for i > 0 {
		parent := (i - 1) / 2
		if !higher(prio, h.ids[i], h.ids[parent]) {
			return
		}
		h.swap(i, parent)
		i = parent
	}
}

// down sifts i down and reports whether it moved.
func (h *pctHeap) down(i int, prio []int64) bool {
	start := i
	for {
		best, l := i, 2*i+1
		if l < len(h.ids) && higher(prio, h.ids[l], h.ids[best]) {
			best = l
		}
		if r := l + 1; r < len(h.ids) && higher(prio, h.ids[r], h.ids[best]) {
			best = r
		}
		if best == i {
			return i != start
		}
		h.swap(i, best)
		i = best
	}
}
