package sim

import "fmt"

// Mutex is a mutual-exclusion lock whose waiting parks the task, so the
// scheduler sees it: blocking on it can deadlock the run (and be reported)
// but never the process. Lock and Unlock are scheduling points.
type Mutex struct {
	s       *Sim
	obj     object
	owner   *Task
	waiters []*Task
}

// NewMutex returns an unlocked mutex.
func NewMutex(s *Sim) *Mutex {
	return &Mutex{s: s, obj: s.newObject("mutex", "NewMutex")}
}

func (m *Mutex) label() string { return m.obj.name }

func (m *Mutex) describe() string {
	if m.owner == nil {
		return m.obj.describe()
	}
	return fmt.Sprintf("%s (held by %s)", m.obj.describe(), m.owner)
}

// Lock locks m, waiting while another task holds it. Locking a mutex the
// current task holds blocks forever, as with sync.Mutex (and is reported as
// a deadlock).
func (m *Mutex) Lock() {
	m.s.point(false)
	t := m.s.cur
	for m.owner != nil {
		m.waiters = append(m.waiters, t)
		m.s.block("lock", m)
	}
	m.owner = t
	m.s.op("locked", m.obj.name)
}

// TryLock locks m if it is free and reports whether it did. It is a
// scheduling point.
func (m *Mutex) TryLock() bool {
	m.s.point(false)
	if m.owner != nil {
		return false
	}
	m.owner = m.s.cur
	return true
}

// Unlock unlocks m and wakes the tasks waiting for it (which of them gets
// it is up to the scheduler). Unlocking an unlocked mutex panics.
func (m *Mutex) Unlock() {
	m.s.mustCur("Mutex.Unlock")
	if m.owner == nil {
		panic("sim: unlock of unlocked " + m.obj.describe())
	}
	m.owner = nil
	m.s.op("unlock", m.obj.name)
	for _, w := range m.waiters {
		m.s.wake(w)
	}
	m.waiters = m.waiters[:0]
	m.s.point(false)
}

// Locked reports whether some task holds m. It is not a scheduling point.
func (m *Mutex) Locked() bool {
	m.s.mustCur("Mutex.Locked")
	return m.owner != nil
}
