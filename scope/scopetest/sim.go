package scopetest

import (
	"fmt"

	"github.com/tracebed/tracebed/sim"
)

// simRunner runs tasks as tasks of one sim.Run. The body runs in the root
// task and hands each step to its task over sim channels.
type simRunner struct {
	s       *sim.Sim
	first   *simWorker
	workers []*simWorker
}

type simWorker struct {
	in  *sim.Chan[func()]
	out *sim.Chan[*taskPanic]
}

// runSim runs body as the root task of a sim.Run and returns body's panic
// value, if it panicked (after every task has ended).
func runSim(seed uint64, body func(r runner)) (p any, panicked bool) {
	_, err := sim.Run(func(s *sim.Sim) {
		r := &simRunner{s: s}
		r.first = r.start()
		defer r.stop()
		defer func() {
			if v := recover(); v != nil {
				p, panicked = v, true
			}
		}()
		body(r)
	}, sim.WithStrategy(sim.Random(seed)), sim.WithoutTrace(), sim.WithMaxSteps(1<<30))
	if !panicked && err != nil {
		return fmt.Sprintf("scopetest: the simulation failed: %v", err), true
	}
	return p, panicked
}

// start spawns a worker task from the current task.
func (r *simRunner) start() *simWorker {
	w := &simWorker{in: sim.NewChan[func()](r.s, 0), out: sim.NewChan[*taskPanic](r.s, 0)}
	r.workers = append(r.workers, w)
	r.s.Go(fmt.Sprintf("task%d", len(r.workers)-1), func() {
		for {
			f, ok := w.in.Recv()
			if !ok {
				return
			}
			w.out.Send(call(f))
		}
	})
	return w
}

// stop ends every worker task.
func (r *simRunner) stop() {
	for _, w := range r.workers {
		w.in.Close()
	}
}

func (w *simWorker) do(f func()) {
	w.in.Send(f)
	if p, _ := w.out.Recv(); p != nil {
		panic(p.String())
	}
}

func (r *simRunner) each(steps []step) {
	for _, st := range steps {
		st.w.do(st.f)
	}
}

// crowd names every task "crowd": a manager keyed on the task's name is
// keyed on a non-unique id.
func (r *simRunner) crowd(parent worker, n int, around func(int, func()), phases ...func(int)) *taskPanic {
	release := make([]*sim.Chan[struct{}], len(phases))
	done := make([]*sim.WaitGroup, len(phases))
	for k := range phases {
		release[k] = sim.NewChan[struct{}](r.s, 0)
		done[k] = sim.NewWaitGroup(r.s)
		done[k].Add(n)
	}
	panics := make([]*taskPanic, n)
	parent.do(func() {
		startCrowd(n, around, func(i int) {
			r.s.Go("crowd", func() {
				for k, f := range phases {
					release[k].Recv() // returns when the driver closes it
					if panics[i] == nil {
						panics[i] = call(func() { f(i) })
					}
					done[k].Done()
				}
			})
		})
	})
	for k := range phases {
		release[k].Close()
		done[k].Wait()
	}
	return firstPanic(panics)
}

func (r *simRunner) env() Env     { return Env{platform: SimTasks, sim: r.s} }
func (r *simRunner) root() worker { return r.first }

func (r *simRunner) spawn(parent worker, around func(start func())) worker {
	var child *simWorker
	parent.do(func() { around(func() { child = r.start() }) })
	if child == nil {
		panic("scopetest: the child task was not started")
	}
	return child
}
