package sim

// Var is a variable shared between tasks whose every access is a scheduling
// point: it models memory that tasks race on (an atomic, or a plain field
// read and written without a lock), so that the scheduler can interleave
// other tasks between a read and the write that depends on it.
//
// Unlike [Sim.Yield], an access is not a hint to let others run: strategies
// treat it as an ordinary step.
type Var[T any] struct {
	s   *Sim
	obj object
	v   T
}

// NewVar returns a shared variable holding v.
func NewVar[T any](s *Sim, v T) *Var[T] {
	return &Var[T]{s: s, obj: s.newObject("var", "NewVar"), v: v}
}

// Load returns the value. It is a scheduling point.
func (x *Var[T]) Load() T {
	x.s.point(false)
	x.s.op("load", x.obj.name)
	return x.v
}

// Store sets the value. It is a scheduling point.
func (x *Var[T]) Store(v T) {
	x.s.point(false)
	x.s.op("store", x.obj.name)
	x.v = v
}

// Swap sets the value and returns the old one, atomically. It is a
// scheduling point.
func (x *Var[T]) Swap(v T) T {
	x.s.point(false)
	x.s.op("swap", x.obj.name)
	old := x.v
	x.v = v
	return old
}

// Update replaces the value with f(value), atomically (f runs without a
// scheduling point and must not block), and returns the new value. It is a
// scheduling point.
func (x *Var[T]) Update(f func(T) T) T {
	x.s.point(false)
	x.s.op("update", x.obj.name)
	x.v = f(x.v)
	return x.v
}

// Peek returns the value without a scheduling point, for assertions.
func (x *Var[T]) Peek() T {
	x.s.mustCur("Var.Peek")
	return x.v
}
