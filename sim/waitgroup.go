package sim

import "fmt"

// WaitGroup waits for a collection of tasks to finish, like sync.WaitGroup,
// parking the waiting task. Done and Wait are scheduling points; Add is not.
type WaitGroup struct {
	s       *Sim
	obj     object
	n       int
	waiters []*Task
}

// NewWaitGroup returns a WaitGroup with a zero counter.
func NewWaitGroup(s *Sim) *WaitGroup {
	return &WaitGroup{s: s, obj: s.newObject("waitgroup", "NewWaitGroup")}
}

func (wg *WaitGroup) label() string { return wg.obj.name }

func (wg *WaitGroup) describe() string {
	return fmt.Sprintf("%s (count %d)", wg.obj.describe(), wg.n)
}

// Add adds n (which may be negative) to the counter; when it reaches zero
// the waiters are woken. A negative counter panics.
func (wg *WaitGroup) Add(n int) {
	wg.s.mustCur("WaitGroup.Add")
	wg.n += n
	if wg.n < 0 {
		panic("sim: negative " + wg.obj.describe() + " counter")
	}
	if wg.n == 0 {
		for _, w := range wg.waiters {
			wg.s.wake(w)
		}
		wg.waiters = wg.waiters[:0]
	}
}

// Done decrements the counter by one.
func (wg *WaitGroup) Done() {
	wg.Add(-1)
	wg.s.op("done", wg.obj.name)
	wg.s.point(false)
}

// Go starts f in a new task counted by the group, like sync.WaitGroup.Go.
func (wg *WaitGroup) Go(name string, f func()) *Task {
	wg.Add(1)
	return wg.s.Go(name, func() {
		defer wg.Done()
		f()
	})
}

// Wait blocks until the counter is zero.
func (wg *WaitGroup) Wait() {
	wg.s.point(false)
	for wg.n > 0 {
		wg.waiters = append(wg.waiters, wg.s.cur)
		wg.s.block("wait", wg)
	}
}
