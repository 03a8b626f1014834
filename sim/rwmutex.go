package sim

import (
	"fmt"
	"slices"
	"strings"
)

// Locker is a lock that tasks take and release, as sync.Locker but parking
// the task: [*Mutex], [*RWMutex] (its write side) and [RWMutex.RLocker]
// (its read side). A [Cond] is associated with one. Only sim's locks may
// be used: a sync.Mutex satisfies the interface too, but escapes the
// scheduler.
type Locker interface {
	// Lock takes the lock, parking the task while it is not free.
	Lock()
	// Unlock releases it.
	Unlock()
}

var (
	_ Locker = (*Mutex)(nil)
	_ Locker = (*RWMutex)(nil)
	_ Locker = (*rlocker)(nil)
)

// RWMutex is a reader/writer mutual-exclusion lock with the semantics of
// sync.RWMutex, whose waiting parks the task: any number of readers or one
// writer hold it. It prefers writers: once a task is blocked in Lock, new
// RLock calls block (and TryRLock fails) until that writer has had the
// lock and released it, so a task must not take a read lock it already
// holds while a writer may be waiting (that is reported as a deadlock).
// The readers that blocked meanwhile are all let in when the writer
// unlocks, before the next writer, so that neither side starves.
//
// When several writers wait, Unlock wakes them all and the first of them
// that the strategy runs takes the lock, as with [Mutex]: the choice is a
// task decision of the schedule.
//
// Lock, RLock, TryLock, TryRLock, Unlock and RUnlock are scheduling points.
// As with sync.RWMutex, a lock is not tied to a task: one task may lock
// and another unlock.
type RWMutex struct {
	s   *Sim
	obj object
	// writer owns the write side: it waits for the readers to leave
	// (held false) or holds the lock (held true).
	writer  *Task
	held    bool
	readers []*Task // the read holders, once per read lock
	rwait   []*Task // readers blocked in RLock: the next Unlock lets them in
	wwait   []*Task // writers blocked in Lock while writer is set
	unlocks int     // write unlocks so far; a blocked RLock waits for the next
}

// NewRWMutex returns an unlocked RWMutex.
func NewRWMutex(s *Sim) *RWMutex {
	return &RWMutex{s: s, obj: s.newObject("rwmutex", "NewRWMutex")}
}

func (rw *RWMutex) label() string { return rw.obj.name }

// describe names the holders and the writer that waits for the readers to
// leave (the reason new readers block).
func (rw *RWMutex) describe() string {
	var parts []string
	if rw.held {
		parts = append(parts, "write-locked by "+rw.writer.String())
	}
	if len(rw.readers) > 0 {
		parts = append(parts, "read-locked by "+taskList(rw.readers))
	}
	if rw.writer != nil && !rw.held {
		parts = append(parts, rw.writer.String()+" waits to write, blocking new readers")
	}
	if len(parts) == 0 {
		return rw.obj.describe()
	}
	return fmt.Sprintf("%s (%s)", rw.obj.describe(), strings.Join(parts, "; "))
}

// taskList names tasks in order of first appearance, with a count for a
// task that appears more than once: `task 1 "a", task 2 "b" (2 times)`.
func taskList(ts []*Task) string {
	var names []string
	var seen []*Task
	for _, t := range ts {
		if slices.Contains(seen, t) {
			continue
		}
		seen = append(seen, t)
		name := t.String()
		if n := count(ts, t); n > 1 {
			name += fmt.Sprintf(" (%d times)", n)
		}
		names = append(names, name)
	}
	return strings.Join(names, ", ")
}

func count(ts []*Task, t *Task) int {
	n := 0
	for _, x := range ts {
		if x == t {
			n++
		}
	}
	return n
}

// Lock locks rw for writing, waiting while another writer owns it and then
// for the readers to leave. From the moment it waits for the readers, new
// readers block. Locking an RWMutex the current task holds, for reading or
// writing, blocks forever, as with sync.RWMutex (and is reported as a
// deadlock).
func (rw *RWMutex) Lock() {
	rw.s.point(false)
	t := rw.s.cur
	for rw.writer != nil {
		rw.wwait = append(rw.wwait, t)
		rw.s.block("lock", rw)
	}
	rw.writer = t
	for len(rw.readers) > 0 {
		rw.s.block("lock", rw) // woken by the last RUnlock
	}
	rw.held = true
	rw.s.op("locked", rw.obj.name)
}

// TryLock locks rw for writing if no task holds it or waits to write, and
// reports whether it did. It is a scheduling point.
func (rw *RWMutex) TryLock() bool {
	rw.s.point(false)
	if rw.writer != nil || len(rw.readers) > 0 {
		return false
	}
	rw.writer, rw.held = rw.s.cur, true
	return true
}

// Unlock unlocks rw for writing. The readers blocked in RLock all get the
// read lock at once; the writers blocked in Lock are woken, and the first
// that runs owns the write side next (which is up to the scheduler).
// Unlocking an RWMutex that is not locked for writing panics.
func (rw *RWMutex) Unlock() {
	rw.s.mustCur("RWMutex.Unlock") // before anything changes
	if !rw.held {
		msg := "sim: unlock of unlocked " + rw.obj.describe()
		if len(rw.readers) > 0 {
			msg += " (read-locked by " + taskList(rw.readers) + ": a read lock is released with RUnlock)"
		}
		panic(msg)
	}
	rw.writer, rw.held = nil, false
	rw.unlocks++
	rw.s.op("unlock", rw.obj.name)
	for _, r := range rw.rwait {
		rw.readers = append(rw.readers, r)
		rw.s.wake(r)
	}
	rw.rwait = rw.rwait[:0]
	for _, w := range rw.wwait {
		rw.s.wake(w)
	}
	rw.wwait = rw.wwait[:0]
	rw.s.point(false)
}

// RLock locks rw for reading, waiting while a writer holds it or waits to
// write (writer preference: see [RWMutex]).
func (rw *RWMutex) RLock() {
	rw.s.point(false)
	t := rw.s.cur
	if rw.writer != nil {
		rw.rwait = append(rw.rwait, t)
		// The next Unlock counts t among the readers and wakes it.
		for n := rw.unlocks; rw.unlocks == n; {
			rw.s.block("rlock", rw)
		}
	} else {
		rw.readers = append(rw.readers, t)
	}
	rw.s.op("rlocked", rw.obj.name)
}

// TryRLock locks rw for reading if no writer holds it or waits to write,
// and reports whether it did. It is a scheduling point.
func (rw *RWMutex) TryRLock() bool {
	rw.s.point(false)
	if rw.writer != nil {
		return false
	}
	rw.readers = append(rw.readers, rw.s.cur)
	return true
}

// RUnlock releases one read lock of rw (the current task's, if it holds
// one). The last reader to leave wakes a writer waiting for it. RUnlock of
// an RWMutex without readers panics.
func (rw *RWMutex) RUnlock() {
	rw.s.mustCur("RWMutex.RUnlock") // before anything changes
	if len(rw.readers) == 0 {
		msg := "sim: runlock of " + rw.obj.describe() + " without readers"
		if rw.held {
			msg += " (write-locked by " + rw.writer.String() + ": a write lock is released with Unlock)"
		}
		panic(msg)
	}
	i := slices.Index(rw.readers, rw.s.cur)
	if i < 0 {
		i = 0
	}
	rw.readers = slices.Delete(rw.readers, i, i+1)
	rw.s.op("runlock", rw.obj.name)
	if len(rw.readers) == 0 && rw.writer != nil {
		rw.s.wake(rw.writer)
	}
	rw.s.point(false)
}

// RLocker returns a [Locker] whose Lock and Unlock call rw.RLock and
// rw.RUnlock, e.g. for a [Cond] whose waiters read.
func (rw *RWMutex) RLocker() Locker { return (*rlocker)(rw) }

// Locked reports whether some task holds rw for writing. It is not a
// scheduling point.
func (rw *RWMutex) Locked() bool {
	rw.s.mustCur("RWMutex.Locked")
	return rw.held
}

// Readers returns the number of read locks held. It is not a scheduling
// point.
func (rw *RWMutex) Readers() int {
	rw.s.mustCur("RWMutex.Readers")
	return len(rw.readers)
}

// rlocker is the read side of an RWMutex. Its methods have a pointer
// receiver so that stack traces show them as (*rlocker).Lock, which the
// failure report keeps, like sync's.
type rlocker RWMutex

func (r *rlocker) Lock()         { (*RWMutex)(r).RLock() }
func (r *rlocker) Unlock()       { (*RWMutex)(r).RUnlock() }
func (r *rlocker) label() string { return (*RWMutex)(r).label() + ".RLocker()" }
