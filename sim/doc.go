// Package sim is a deterministic scheduler for testing concurrent Go code:
// it runs a scenario's tasks one at a time, choosing the interleaving with a
// seeded strategy, so that a concurrency bug found once can be replayed
// exactly, and virtual time makes timeouts instant.
//
// # Tasks and scheduling points
//
// [Run] runs a root function as task 0; it starts more tasks with [Sim.Go].
// Each task runs on a goroutine of its own, but only one runs at a time:
// control passes between them only at scheduling points, where the strategy
// chooses who runs next. The scheduling points are exactly:
//
//   - [Sim.Go] (spawn), [Sim.Yield], [Sim.Sleep], [Sim.Select];
//   - [Chan.Send], [Chan.Recv], [Chan.Close];
//   - [Mutex.Lock], [Mutex.TryLock], [Mutex.Unlock];
//   - [WaitGroup.Done], [WaitGroup.Wait];
//   - [Future.Resolve], [Future.Get], [Future.Then];
//   - the boundary between two [Loop] callbacks, [Loop.Wait], [NewLoop].
//
// Everything else (reading [Sim.Now], [Local] values, [WaitGroup.Add],
// [Loop.CallSoon], [Future.Done], [Sim.Intn]) runs without interruption.
// Code under test must not use the go statement, sync.Mutex or channels
// between tasks: those escape the scheduler.
package sim
