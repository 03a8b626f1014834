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
