package mocktracer_test

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracebed/tracebed/mocktracer"
	"github.com/tracebed/tracebed/opentracing"
)

func TestMockTracer_Concurrent(t *testing.T) {
	goroutines, perG := 64, 1000
	if testing.Short() {
		perG = 100
	}
	tests := []struct {
		name string
		opts []mocktracer.Option
	}{
		{"default ids", nil},
		{"id source", []mocktracer.Option{mocktracer.WithIDSource(func() func() uint64 {
			var n uint64 // not synchronised: the tracer calls it under a lock
			return func() uint64 { n += 7; return n }
		}())}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := mocktracer.New(tt.opts...)
			var wg sync.WaitGroup
			for g := range goroutines {
				wg.Go(func() {
					parent := tr.StartSpan("parent", opentracing.IgnoreActiveSpan())
					for i := range perG - 1 {
						sp := tr.StartSpan("child", opentracing.ChildOf(parent.Context()))
						sp.SetTag("g", g).LogKV("i", i)
						sp.Finish()
						if i%100 == 0 {
							_ = tr.FinishedSpans() // readers race with writers
						}
					}
					parent.Finish()
				})
			}
			wg.Wait()

			total := goroutines * perG
			finished := tr.FinishedSpans()
			require.Len(t, finished, total, "no span lost")
			assert.Len(t, tr.StartedSpans(), total)
			seen := make(map[uint64]bool, total)
			for _, s := range finished {
				require.False(t, seen[s.SpanID()], "duplicate span id %d", s.SpanID())
				seen[s.SpanID()] = true
			}
			assert.Empty(t, tr.Misuses())
		})
	}
}

// TestMockTracer_ResetRacingFinish races Reset with Finish: every span
// must end up in both StartedSpans and FinishedSpans or in neither, never
// finished without being started (the span is dropped from the started
// list while its Finish is on its way to the finished list).
func TestMockTracer_ResetRacingFinish(t *testing.T) {
	// The window is a few instructions wide: many rounds, with finishers
	// queueing on the tracer's lock while Reset holds it, make it show.
	rounds, goroutines, perG := 20, 64, 20_000/64
	if testing.Short() {
		rounds = 4
	}
	var onlyFinished, onlyStarted int
	for range rounds {
		f, s := resetRacingFinish(goroutines, perG)
		onlyFinished += f
		onlyStarted += s
	}
	assert.Zero(t, onlyFinished, "spans finished but not started, of %d", rounds*goroutines*perG)
	assert.Zero(t, onlyStarted, "spans started and finished, but not in FinishedSpans")
}

// resetRacingFinish finishes goroutines×perG spans while Reset runs in a
// loop, and counts the spans that ended in one list only.
func resetRacingFinish(goroutines, perG int) (onlyFinished, onlyStarted int) {
	tr := mocktracer.New()
	stop := make(chan struct{})
	resetterDone := make(chan struct{})
	go func() {
		defer close(resetterDone)
		for {
			select {
			case <-stop:
				return
			default:
				tr.Reset()
			}
		}
	}()
	var wg sync.WaitGroup
	for range goroutines {
		wg.Go(func() {
			for range perG {
				tr.StartSpan("op").Finish()
			}
		})
	}
	wg.Wait()
	close(stop)
	<-resetterDone

	started := map[*mocktracer.MockSpan]bool{}
	for _, s := range tr.StartedSpans() {
		started[s] = true
	}
	finished := map[*mocktracer.MockSpan]bool{}
	for _, s := range tr.FinishedSpans() {
		finished[s] = true
		if !started[s] {
			onlyFinished++
		}
	}
	for s := range started {
		if !finished[s] {
			onlyStarted++
		}
	}
	return onlyFinished, onlyStarted
}

// TestMockTracer_FinishedSince reads the finished spans with a cursor
// while they finish, and across Resets: each is read at most once, in
// finish order, and every span no Reset forgot is read.
func TestMockTracer_FinishedSince(t *testing.T) {
	tr := mocktracer.New()
	spans, cursor := tr.FinishedSince(0)
	assert.Empty(t, spans)
	assert.Zero(t, cursor)

	a, b := tr.StartSpan("a"), tr.StartSpan("b")
	a.Finish()
	spans, cursor = tr.FinishedSince(cursor)
	assert.Equal(t, []*mocktracer.MockSpan{mockSpan(a)}, spans)
	assert.Equal(t, uint64(1), cursor)
	spans, cursor = tr.FinishedSince(cursor)
	assert.Empty(t, spans, "nothing new")
	assert.Equal(t, uint64(1), cursor)

	b.Finish()
	c := tr.StartSpan("c")
	c.Finish()
	tr.Reset() // forgets b and c, unread
	d := tr.StartSpan("d")
	d.Finish()
	spans, cursor = tr.FinishedSince(cursor)
	assert.Equal(t, []*mocktracer.MockSpan{mockSpan(d)}, spans, "b and c were forgotten by Reset")
	assert.Equal(t, uint64(4), cursor, "the cursor counts the forgotten spans")

	all, end := tr.FinishedSince(0)
	assert.Equal(t, []*mocktracer.MockSpan{mockSpan(d)}, all, "a cursor from before a Reset reads what is left")
	assert.Equal(t, cursor, end)
	spans, next := tr.FinishedSince(99)
	assert.Empty(t, spans, "a cursor past the end reads nothing")
	assert.Equal(t, uint64(4), next)
}

// TestMockTracer_FinishedSinceConcurrent polls FinishedSince while 8
// goroutines finish spans: every span is read exactly once.
func TestMockTracer_FinishedSinceConcurrent(t *testing.T) {
	goroutines, perG := 8, 2000
	if testing.Short() {
		perG = 200
	}
	tr := mocktracer.New()
	var wg sync.WaitGroup
	for range goroutines {
		wg.Go(func() {
			for range perG {
				tr.StartSpan("op").Finish()
			}
		})
	}
	finished := make(chan struct{})
	go func() { wg.Wait(); close(finished) }()
	seen := map[*mocktracer.MockSpan]int{}
	var cursor uint64
	for done := false; !done; {
		select {
		case <-finished:
			done = true
		default:
		}
		var spans []*mocktracer.MockSpan
		spans, cursor = tr.FinishedSince(cursor)
		for _, s := range spans {
			seen[s]++
		}
	}
	require.Len(t, seen, goroutines*perG)
	for s, n := range seen {
		require.Equal(t, 1, n, "span %v read %d times", s, n)
	}
	assert.Equal(t, uint64(goroutines*perG), cursor)
}
