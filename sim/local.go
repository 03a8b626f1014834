package sim

// localKey identifies one [Local] across all simulations.
type localKey struct {
	inherit bool
}

// Local is task-local storage: each task of a simulation has its own value.
// A Local may be a package-level variable shared by many simulations (also
// running in parallel); the values live in the tasks.
//
// If the Local is inheritable, a task spawned by [Sim.Go] starts with the
// spawner's value, a [Loop] callback runs with the value of the task that
// scheduled it, and a [Future.Then] callback with the value of the task that
// called Then. Values are copied, not shared: a Set in the child is not seen
// by the parent.
type Local[T any] struct {
	key *localKey
}

// NewLocal returns a new task-local variable; inherit chooses whether spawned
// tasks and callbacks start with a copy of the spawner's value.
func NewLocal[T any](inherit bool) *Local[T] {
	return &Local[T]{key: &localKey{inherit: inherit}}
}

// Get returns the current task's value, or the zero value if it never set one
// (nor inherited one).
func (l *Local[T]) Get(s *Sim) T {
	t := s.mustCur("Local.Get")
	v, ok := t.locals[l.key]
	if !ok {
		var zero T
		return zero
	}
	return v.(T)
}

// Lookup returns the current task's value and whether it has one.
func (l *Local[T]) Lookup(s *Sim) (T, bool) {
	t := s.mustCur("Local.Lookup")
	v, ok := t.locals[l.key]
	if !ok {
		var zero T
		return zero, false
	}
	return v.(T), true
}

// Set sets the current task's value.
func (l *Local[T]) Set(s *Sim, v T) {
	t := s.mustCur("Local.Set")
	if t.locals == nil {
		t.locals = make(map[*localKey]any)
	}
	t.locals[l.key] = v
}

// Delete removes the current task's value, so Get returns the zero value.
func (l *Local[T]) Delete(s *Sim) {
	t := s.mustCur("Local.Delete")
	delete(t.locals, l.key)
}

// inheritable returns a copy of the inheritable entries of m (nil if none).
func inheritable(m map[*localKey]any) map[*localKey]any {
	var out map[*localKey]any
	for k, v := range m {
		if k.inherit {
			if out == nil {
				out = make(map[*localKey]any, len(m))
			}
			out[k] = v
		}
	}
	return out
}

// enterCallback makes task t (a loop) run a callback with the captured
// inheritable values in place of its own; its non-inheritable values stay,
// and changes to them persist. It returns t's own inheritable values, for
// leaveCallback.
func enterCallback(t *Task, captured map[*localKey]any) (saved map[*localKey]any) {
	saved = inheritable(t.locals)
	for k := range saved {
		delete(t.locals, k)
	}
	if len(captured) > 0 && t.locals == nil {
		t.locals = make(map[*localKey]any, len(captured))
	}
	for k, v := range captured {
		t.locals[k] = v
	}
	return saved
}

// leaveCallback drops the callback's inheritable values and restores t's.
func leaveCallback(t *Task, saved map[*localKey]any) {
	for k := range t.locals {
		if k.inherit {
			delete(t.locals, k)
		}
	}
	if len(saved) > 0 && t.locals == nil {
		t.locals = make(map[*localKey]any, len(saved))
	}
	for k, v := range saved {
		t.locals[k] = v
	}
}
