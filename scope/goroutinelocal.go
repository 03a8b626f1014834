package scope

import (
	"sync"

	"github.com/petermattis/goid"

	"github.com/tracebed/tracebed/opentracing"
)

// glShards is the number of independently locked parts of a GoroutineLocal
// table. Goroutine ids are handed out in sequence, so id modulo glShards
// spreads goroutines evenly and keeps unrelated goroutines off each other's
// lock.
const glShards = 64

// GoroutineLocal is the Go form of Python's ThreadLocalScopeManager: each
// goroutine has its own stack of scopes. It is the default ScopeManager of
// [github.com/tracebed/tracebed/mocktracer.MockTracer], as
// ThreadLocalScopeManager is the default of opentracing-python's MockTracer.
//
// # Propagation
//
// None. A new goroutine starts with nothing active, whatever its parent had.
// To continue a trace in a child goroutine, pass the span and activate it
// there, usually with finishOnClose false so that only the owner finishes it:
//
//	go func(parent opentracing.Span) {
//		sc := mgr.Activate(parent, false)
//		defer sc.Close()
//		...
//	}(sc.Span())
//
// # Limits
//
// A Scope must be closed by the goroutine that activated it; Close from any
// other goroutine, a second Close, and a Close while a later scope of the
// same goroutine is still open are misuse: the call does nothing except
// report the misuse (see [opentracing.ReportMisuse]), so one goroutine can
// never disturb another's stack. A goroutine's entry is dropped when its
// stack empties. A goroutine that exits with scopes still open leaves its
// entry behind for good: Go tells no one when a goroutine ends, and no
// other goroutine may close those scopes. No other goroutine ever sees the
// entry (goroutine ids are never reused), but it keeps its spans in memory
// (the entry and its scopes, about 100 bytes per leaked goroutine). The
// table is a hash map, so leaked entries do not slow the other goroutines
// down: the cost of Activate, Active and Close stays flat from 0 to 100,000
// leaked goroutines (README.md). [GoroutineLocal.Goroutines] counts the
// entries, so that a test can assert none is left.
//
// Under [github.com/tracebed/tracebed/sim] every task runs on a goroutine of
// its own, so GoroutineLocal also isolates sim tasks.
//
// The goroutine id comes from github.com/petermattis/goid (one load from the
// runtime's g structure) instead of parsing runtime.Stack, which costs about
// a microsecond. The zero value is ready to use.
type GoroutineLocal struct {
	shards [glShards]glShard
	// owner is the manager the scopes report as theirs, and name the one
	// misuse reports give: set when a sim-task manager falls back to
	// goroutine-local storage outside a task.
	owner opentracing.ScopeManager
	name  string
}

type glShard struct {
	mu sync.Mutex
	// top holds the active scope of each goroutine of the shard that has
	// one; guarded by mu, made on first use. A map, not a scanned slice, so
	// that the entries goroutines leave behind cost nothing to the others.
	top map[int64]*glScope
	_   [48]byte // pads a shard to 64 bytes: one cache line each
}

var _ opentracing.ScopeManager = (*GoroutineLocal)(nil)

// NewGoroutineLocal returns an empty goroutine-local manager.
func NewGoroutineLocal() *GoroutineLocal {
	return &GoroutineLocal{}
}

func (m *GoroutineLocal) shard(gid int64) *glShard {
	return &m.shards[uint64(gid)%glShards]
}

// Activate makes span the active span of the calling goroutine.
func (m *GoroutineLocal) Activate(span opentracing.Span, finishOnClose bool) opentracing.Scope {
	gid := goid.Get()
	sc := &glScope{m: m, span: span, finishOnClose: finishOnClose, gid: gid}
	sh := m.shard(gid)
	sh.mu.Lock()
	if sh.top == nil {
		sh.top = make(map[int64]*glScope)
	}
	sc.prev = sh.top[gid]
	sh.top[gid] = sc
	sh.mu.Unlock()
	return sc
}

// Active returns the calling goroutine's active Scope, or nil.
func (m *GoroutineLocal) Active() opentracing.Scope {
	gid := goid.Get()
	sh := m.shard(gid)
	sh.mu.Lock()
	sc := sh.top[gid]
	sh.mu.Unlock()
	if sc == nil {
		return nil
	}
	return sc
}

// Goroutines returns how many goroutines have a scope open. At the end of
// a test whose goroutines have all returned it should be 0 (or the number
// still running with a scope open): more means a goroutine exited without
// closing its scopes, and their entries are never freed.
func (m *GoroutineLocal) Goroutines() int {
	n := 0
	for i := range m.shards {
		sh := &m.shards[i]
		sh.mu.Lock()
		n += len(sh.top)
		sh.mu.Unlock()
	}
	return n
}

// glScope is allocated by every Activate: its fields are ordered so that
// the two bools share a word and it fits the 48-byte size class (64 bytes
// otherwise).
type glScope struct {
	m             *GoroutineLocal
	span          opentracing.Span
	gid           int64    // the goroutine that activated the scope
	prev          *glScope // the scope to restore; immutable
	finishOnClose bool
	closed        bool // guarded by the mutex of m.shard(gid)
}

func (s *glScope) Span() opentracing.Span { return s.span }

func (s *glScope) Manager() opentracing.ScopeManager {
	if s.m.owner != nil {
		return s.m.owner
	}
	return s.m
}

func (s *glScope) Close() {
	caller := goid.Get()
	sh := s.m.shard(s.gid)
	var misuse opentracing.MisuseKind
	sh.mu.Lock()
	switch {
	case s.closed:
		misuse = opentracing.MisuseCloseTwice
	case caller != s.gid:
		misuse = opentracing.MisuseCloseFromOtherTask
	case sh.top[s.gid] != s:
		misuse = opentracing.MisuseCloseOutOfOrder
	case s.prev != nil:
		s.closed = true
		sh.top[s.gid] = s.prev
	default: // the stack empties: drop the entry
		s.closed = true
		delete(sh.top, s.gid)
	}
	sh.mu.Unlock()
	if misuse != 0 {
		name := s.m.name
		if name == "" {
			name = "scope.GoroutineLocal"
		}
		report(s.span, misuse, name)
		return
	}
	if s.finishOnClose && s.span != nil {
		s.span.Finish()
	}
}
