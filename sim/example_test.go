package sim_test

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/tracebed/tracebed/sim"
)

// racyCounter is a lost update: two tasks each read a shared counter and
// write it back plus one, with a scheduling point between the read and the
// write (every access of a [sim.Var] is one). If the scheduler switches
// tasks between them, one increment is lost.
func racyCounter(s *sim.Sim) {
	x := sim.NewVar(s, 0)
	wg := sim.NewWaitGroup(s)
	for i := range 2 {
		wg.Go(fmt.Sprint("inc", i), func() {
			v := x.Load()
			x.Store(v + 1)
		})
	}
	wg.Wait()
	if got := x.Peek(); got != 2 {
		panic(fmt.Sprintf("lost update: x = %d, want 2", got))
	}
}

// A race found, printed, replayed and shrunk: explore seeds until one fails,
// replay the failing run from its schedule string, then shrink the schedule
// to the one preemption that matters.
func Example() {
	root := func(s *sim.Sim) {
		x := sim.NewVar(s, 0) // every Load and Store is a scheduling point
		wg := sim.NewWaitGroup(s)
		for range 2 {
			wg.Go("inc", func() { x.Store(x.Load() + 1) })
		}
		wg.Wait()
		if x.Peek() != 2 {
			panic("lost update")
		}
	}
	random, _ := sim.ParseStrategy("random")
	res := sim.Explore(root, sim.WithSeeds(0, 100), sim.WithStrategySpec(random))
	f := res.Failure
	fmt.Printf("seed %d fails: %s\n", f.Seed, f.Message)
	fmt.Println("schedule:", f.Schedule)

	_, err := sim.Run(root, sim.WithStrategy(sim.Replay(f.Schedule)))
	fmt.Println("replayed:", errors.Is(err, sim.ErrPanic))

	short, _ := sim.Shrink(root, f.Schedule)
	again, _ := sim.Run(root, sim.WithStrategy(sim.Replay(short)))
	fmt.Printf("shrunk: %s (%d preemption)\n", short, again.Preemptions)
	// Output:
	// seed 7 fails: task 0 "root" panicked: lost update
	// schedule: 1:0012221011
	// replayed: true
	// shrunk: 1:0_5.1+ (1 preemption)
}

// Explore runs a scenario under many seeds, in parallel, and reports the
// smallest failing seed whatever the timing of the workers.
func ExampleExplore() {
	random, err := sim.ParseStrategy("random")
	if err != nil {
		panic(err)
	}
	res := sim.Explore(racyCounter, sim.WithSeeds(0, 100), sim.WithStrategySpec(random))
	fmt.Println(res)
	fmt.Println("runs to failure:", res.RunsToFailure())
	fmt.Println("seed:", res.Failure.Seed)
	fmt.Println("schedule:", res.Failure.Schedule)
	fmt.Println(res.Failure.Message)
	// Output:
	// 8 runs (random), 8 distinct schedules, 1 failed, steps avg 13.1 max 14, up to 3 tasks, smallest failing seed 7
	// runs to failure: 8
	// seed: 7
	// schedule: 1:0012221011
	// task 0 "root" panicked: lost update: x = 1, want 2
}

// A failure's schedule replays it exactly, decision for decision: the same
// outcome, the same trace.
func ExampleReplay() {
	found, err := sim.Run(racyCounter, sim.WithStrategy(sim.Random(7)))
	fmt.Println("found:  ", err != nil, found.Schedule)

	replayed, err := sim.Run(racyCounter, sim.WithStrategy(sim.Replay(found.Schedule)))
	var f *sim.Failure
	if errors.As(err, &f) {
		fmt.Println("replay: ", f.Message)
	}
	fmt.Println("same schedule:", replayed.Schedule == found.Schedule)
	fmt.Println("same trace:   ", replayed.Trace.String() == found.Trace.String())
	// Output:
	// found:   true 1:0012221011
	// replay:  task 0 "root" panicked: lost update: x = 1, want 2
	// same schedule: true
	// same trace:    true
}

// Shrink turns a failing schedule into a minimal one: here, five default
// decisions ("keep going"), then the single preemption that loses the
// update. The trailing "+" marks a prefix: past it, every decision is the
// default.
func ExampleShrink() {
	found, _ := sim.Run(racyCounter, sim.WithStrategy(sim.Random(7)))
	fmt.Printf("found:  %s (%d preemptions)\n", found.Schedule, found.Preemptions)

	short, f := sim.Shrink(racyCounter, found.Schedule)
	fmt.Println("shrunk:", short)
	fmt.Println(f.Message)

	res, _ := sim.Run(racyCounter, sim.WithStrategy(sim.Replay(short)))
	fmt.Println("preemptions:", res.Preemptions)
	// Output:
	// found:  1:0012221011 (7 preemptions)
	// shrunk: 1:0_5.1+
	// task 0 "root" panicked: lost update: x = 1, want 2
	// preemptions: 1
}

// Virtual time stands still while a task can run and jumps to the next
// timer when every task is blocked: an hour-long sleep takes no wall-clock
// time.
func ExampleSim_Sleep() {
	_, err := sim.Run(func(s *sim.Sim) {
		start := s.Now()
		s.Go("poller", func() {
			for range 2 {
				s.Sleep(25 * time.Minute)
				fmt.Println("poll at +", s.Since(start))
			}
		})
		s.Sleep(time.Hour)
		fmt.Println("woke at", s.Now().Format(time.TimeOnly), "+", s.Elapsed())
	}, sim.WithStrategy(sim.Random(1)))
	fmt.Println("err:", err)
	// Output:
	// poll at + 25m0s
	// poll at + 50m0s
	// woke at 01:00:00 + 1h0m0s
	// err: <nil>
}

// The timeline renders a run with a lane per task: the decisions in the
// first column, then what each task did, at which step and virtual time.
func ExampleTrace_Timeline() {
	res, err := sim.Run(func(s *sim.Sim) {
		done := sim.NewChan[string](s, 0)
		s.Go("worker", func() {
			s.Sleep(time.Second)
			done.Send("ok")
		})
		v, _ := done.Recv()
		s.Logf("got %s", v)
	}, sim.WithStrategy(sim.Random(1)))
	if err != nil {
		panic(err)
	}
	fmt.Print(res.Trace.Timeline())
	// Output:
	//  step time     | decision       | timers  | 0 root          | 1 worker
	//     1 +0s      |                |         | ▶               |
	//     1 +0s      |                |         | spawn 1         |
	//     2 +0s      | run 1 (1 of 2) |         |                 | ▶
	//     2 +0s      |                |         |                 | sleep →+1s
	//     3 +0s      |                |         | ▶               |
	//     4 +0s      |                |         | recv chan#1     |
	//     5 +1s      |                | timer 1 |                 |
	//     5 +1s      |                |         |                 | ▶
	//     6 +1s      |                |         |                 | sent chan#1
	//     6 +1s      |                |         |                 | exit
	//     7 +1s      |                |         | ▶               |
	//     7 +1s      |                |         | received chan#1 |
	//     7 +1s      |                |         | · got ok
	//     7 +1s      |                |         | exit            |
}

// A Cond hands work from a producer to a consumer: the consumer waits,
// in a loop, until the queue is not empty; Wait unlocks the mutex while it
// parks, so the producer can take it. The output is the same whatever the
// seed.
func ExampleCond() {
	_, err := sim.Run(func(s *sim.Sim) {
		mu := sim.NewMutex(s)
		nonEmpty := sim.NewCond(s, mu)
		var queue []string
		s.Go("producer", func() {
			for _, job := range []string{"a", "b", "c"} {
				s.Sleep(time.Second)
				mu.Lock()
				queue = append(queue, job)
				mu.Unlock()
				nonEmpty.Signal()
			}
		})
		for range 3 {
			mu.Lock()
			for len(queue) == 0 {
				nonEmpty.Wait()
			}
			job := queue[0]
			queue = queue[1:]
			mu.Unlock()
			fmt.Println("got", job, "at +", s.Elapsed())
		}
		// Nothing signals any more: waiting again is a deadlock, and the
		// report names the cond.
		mu.Lock()
		nonEmpty.Wait()
	}, sim.WithStrategy(sim.Random(1)))
	var f *sim.Failure
	if errors.As(err, &f) {
		fmt.Println(f.Message)
	}
	// Output:
	// got a at + 1s
	// got b at + 2s
	// got c at + 3s
	// no task can run and no timer is pending: task 0 "root" waits in wait cond#2 (on mutex#1, 1 waiting)
}

// An RWMutex prefers writers: once a writer waits, a new RLock waits
// behind it, so a task that takes a read lock it already holds deadlocks
// (as with sync.RWMutex), and the report says who holds what.
func ExampleRWMutex() {
	_, err := sim.Run(func(s *sim.Sim) {
		rw := sim.NewRWMutex(s)
		rw.RLock()
		s.Go("writer", func() {
			rw.Lock()
			fmt.Println("writer never gets here")
			rw.Unlock()
		})
		s.Sleep(time.Second) // the writer now waits for the read lock
		fmt.Println("TryRLock:", rw.TryRLock())
		rw.RLock() // a recursive read lock waits behind the writer: deadlock
	}, sim.WithStrategy(sim.Random(1)))
	fmt.Println(errors.Is(err, sim.ErrDeadlock))
	var f *sim.Failure
	if errors.As(err, &f) {
		fmt.Println(strings.ReplaceAll(f.Message, ", task", ",\ntask"))
	}
	// Output:
	// TryRLock: false
	// true
	// no task can run and no timer is pending: task 0 "root" waits in rlock rwmutex#1 (read-locked by task 0 "root"; task 1 "writer" waits to write, blocking new readers),
	// task 1 "writer" waits in lock rwmutex#1 (read-locked by task 0 "root"; task 1 "writer" waits to write, blocking new readers)
}

// Task.Wait joins a task: no Yield loop polling Done.
func ExampleTask_Wait() {
	_, err := sim.Run(func(s *sim.Sim) {
		w := s.Go("worker", func() { s.Sleep(time.Second) })
		w.Wait()
		fmt.Println("worker done:", w.Done(), "at +"+s.Elapsed().String())
	})
	fmt.Println("err:", err)
	// Output:
	// worker done: true at +1s
	// err: <nil>
}

// A harness that makes many runs itself shares a GoroutinePool between
// them, as Explore's workers do: each run's tasks start on the goroutines
// the runs before it left, and the schedules are those of runs without
// one.
func ExampleGoroutinePool() {
	pool := sim.NewGoroutinePool()
	defer pool.Close()  // the pooled goroutines end here
	root := racyCounter // two tasks race to increment a counter
	lost := 0
	for seed := range uint64(100) {
		pooled, err := sim.Run(root, sim.WithStrategy(sim.Random(seed)), sim.WithGoroutinePool(pool), sim.WithoutTrace())
		if err != nil {
			lost++
		}
		fresh, _ := sim.Run(root, sim.WithStrategy(sim.Random(seed)), sim.WithoutTrace())
		if fresh.Schedule != pooled.Schedule {
			fmt.Println("seed", seed, "differs")
		}
	}
	fmt.Println("runs that lost an update:", lost)
	// Output:
	// runs that lost an update: 32
}

// Code that explores seeds itself measures PCT's k as Explore does, so
// that its change points reach as far as its runs go: here past a private
// prefix of 20 steps, after which a check-then-act races a setter.
func ExampleCalibrate() {
	root := func(s *sim.Sim) {
		set := sim.NewVar(s, false)
		priv := sim.NewVar(s, 0)
		wg := sim.NewWaitGroup(s)
		wg.Go("long", func() {
			for i := range 20 {
				priv.Store(i)
			}
			if !set.Load() && set.Load() {
				panic("the flag changed between the check and the act")
			}
		})
		wg.Go("once", func() { set.Store(true) })
		wg.Wait()
	}
	cal := sim.Calibrate(root)
	fmt.Println("longest calibration run:", cal.Longest, "task decisions; k =", cal.K)
	for seed := range uint64(1000) {
		if _, err := sim.Run(root, sim.WithStrategy(sim.PCTWithSteps(seed, 2, cal.K))); err != nil {
			fmt.Println("seed", seed, "fails")
			break
		}
	}
	// Output:
	// longest calibration run: 28 task decisions; k = 35
	// seed 17 fails
}
