package sim

// Future is a value that becomes available once, when some task resolves it:
// the promise model. Get waits for it; Then runs a callback in a new task.
type Future[T any] struct {
	s       *Sim
	obj     object
	done    bool
	v       T
	waiters []*Task
	thens   []thenCallback[T]
}

type thenCallback[T any] struct {
	f      func(T)
	locals map[*localKey]any
}

// NewFuture returns an unresolved future.
func NewFuture[T any](s *Sim) *Future[T] {
	return &Future[T]{s: s, obj: s.newObject("future", "NewFuture")}
}

func (f *Future[T]) label() string { return f.obj.name }

func (f *Future[T]) describe() string { return f.obj.describe() }

// Resolve sets the value, wakes the tasks waiting in Get and starts the
// Then callbacks. Resolving twice panics. It is a scheduling point.
func (f *Future[T]) Resolve(v T) {
	f.s.mustCur("Future.Resolve")
	if f.done {
		panic("sim: " + f.obj.describe() + " resolved twice")
	}
	f.done, f.v = true, v
	f.s.op("resolve", f.obj.name)
	for _, w := range f.waiters {
		f.s.wake(w)
	}
	f.waiters = nil
	for _, cb := range f.thens {
		f.startThen(cb)
	}
	f.thens = nil
	f.s.point(false)
}

func (f *Future[T]) startThen(cb thenCallback[T]) {
	v := f.v
	f.s.goDetached(f.obj.describe()+".then", func() { cb.f(v) }, cb.locals)
}

// Get waits until the future is resolved and returns its value. It is a
// scheduling point.
func (f *Future[T]) Get() T {
	f.s.point(false)
	for !f.done {
		f.waiters = append(f.waiters, f.s.cur)
		f.s.block("get", f)
	}
	f.s.op("got", f.obj.name)
	return f.v
}

// Done reports whether the future is resolved. It is not a scheduling point.
func (f *Future[T]) Done() bool {
	f.s.mustCur("Future.Done")
	return f.done
}

// Then arranges for cb to run with the value in a new task (named
// "future#N.then") once the future is resolved, at once if it already is.
// The task starts with the inheritable [Local] values of the task that
// called Then, like asyncio's add_done_callback copying the context.
// Callbacks start in the order they were registered.
func (f *Future[T]) Then(cb func(T)) {
	t := f.s.mustCur("Future.Then")
	c := thenCallback[T]{f: cb, locals: inheritable(t.locals)}
	if f.done {
		f.startThen(c)
		f.s.point(false)
		return
	}
	f.thens = append(f.thens, c)
}
