package scope

import (
	"sync"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracebed/tracebed/opentracing"
)

// nopSpan is enough of a Span for a manager: it never touches it except on
// Finish, which nopSpan counts.
type nopSpan struct {
	opentracing.Span
	mu       sync.Mutex
	finishes int
}

func (s *nopSpan) Finish() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.finishes++
}

func (s *nopSpan) Tracer() opentracing.Tracer { return nil }

func TestGoroutineLocal_DropsEmptyEntries(t *testing.T) {
	m := NewGoroutineLocal()
	const goroutines = 50
	var wg sync.WaitGroup
	for range goroutines {
		wg.Go(func() {
			outer := m.Activate(&nopSpan{}, false)
			inner := m.Activate(&nopSpan{}, true)
			inner.Close()
			outer.Close()
		})
	}
	wg.Wait()
	assert.Equal(t, 0, m.Goroutines(), "entries left in the table after every stack emptied")
}

func TestGoroutineLocal_EntryWhileOpen(t *testing.T) {
	m := NewGoroutineLocal()
	sc := m.Activate(&nopSpan{}, false)
	assert.Equal(t, 1, m.Goroutines())
	sc.Close()
	assert.Equal(t, 0, m.Goroutines())
}

func TestGoroutineLocal_ZeroValue(t *testing.T) {
	var m GoroutineLocal
	require.Nil(t, m.Active())
	sp := &nopSpan{}
	sc := m.Activate(sp, true)
	assert.Same(t, sc, m.Active())
	sc.Close()
	assert.Nil(t, m.Active())
	assert.Equal(t, 1, sp.finishes)
}

// TestGoroutineLocal_ForeignCloseDoesNotDisturb closes, from many goroutines
// at once, a scope that another goroutine owns: the owner's stack is
// unchanged and the span is not finished.
func TestGoroutineLocal_ForeignCloseDoesNotDisturb(t *testing.T) {
	m := NewGoroutineLocal()
	sp := &nopSpan{}
	sc := m.Activate(sp, true)
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(sc.Close)
	}
	wg.Wait()
	assert.Same(t, sc, m.Active())
	assert.Equal(t, 0, sp.finishes)
	sc.Close()
	assert.Equal(t, 1, sp.finishes)
	assert.Nil(t, m.Active())
}

// A glScope is allocated by every Activate; keep it in the 48-byte size
// class.
func TestGoroutineLocal_ScopeFits48Bytes(t *testing.T) {
	if got := unsafe.Sizeof(glScope{}); got > 48 {
		t.Errorf("unsafe.Sizeof(glScope{}) = %d, want at most 48", got)
	}
}

func TestGoroutineLocal_ShardIsOneCacheLine(t *testing.T) {
	if got := unsafe.Sizeof(glShard{}); got != 64 {
		t.Errorf("unsafe.Sizeof(glShard{}) = %d, want 64", got)
	}
}

// A goroutine that exits with a scope open leaves its entry behind: nobody
// else may close the scope, so the entry stays, and Goroutines shows it.
// Other goroutines are not disturbed by it.
func TestGoroutineLocal_ExitWithScopeOpenLeavesEntry(t *testing.T) {
	m := NewGoroutineLocal()
	sp := &nopSpan{}
	leaked := make(chan opentracing.Scope)
	go func() { leaked <- m.Activate(sp, true) }() // exits with the scope open
	sc := <-leaked
	assert.Equal(t, 1, m.Goroutines())

	sc.Close() // from another goroutine: refused
	assert.Equal(t, 0, sp.finishes)
	assert.Equal(t, 1, m.Goroutines(), "the dead goroutine's entry is still there")

	mine := m.Activate(&nopSpan{}, true)
	assert.Same(t, mine, m.Active(), "this goroutine's stack is its own")
	mine.Close()
	assert.Nil(t, m.Active())
	assert.Equal(t, 1, m.Goroutines())
}
