package coro

import (
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestCoro_Outcomes(t *testing.T) {
	tests := []struct {
		name string
		give func(c *Coro)
		want []Outcome
	}{
		{"returns", func(c *Coro) {}, []Outcome{Returned}},
		{"yields then returns", func(c *Coro) { c.Yield(); c.Yield() }, []Outcome{Yielded, Yielded, Returned}},
		{"panics", func(c *Coro) { c.Yield(); panic("boom") }, []Outcome{Yielded, Panicked}},
		{"goexits", func(c *Coro) { c.Yield(); runtime.Goexit() }, []Outcome{Yielded, Exited}},
		// A deferred call that panics during a Goexit: once the panic is
		// recovered the Goexit resumes, and must not reach the caller.
		{"panics in a defer during goexit", func(c *Coro) {
			defer func() { panic("in defer") }()
			runtime.Goexit()
		}, []Outcome{Panicked}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := New(tt.give)
			var got []Outcome
			for {
				o := c.Resume()
				got = append(got, o)
				if o != Yielded {
					break
				}
			}
			assert.Equal(t, tt.want, got)
			assert.True(t, c.Ended())
			c.Stop()
		})
	}
}

func TestCoro_PanicValueAndStack(t *testing.T) {
	c := New(func(c *Coro) { panic("boom") })
	require.Equal(t, Panicked, c.Resume())
	v, stack := c.Panic()
	assert.Equal(t, "boom", v)
	assert.Contains(t, string(stack), "coro_test.go")
	c.Stop()
}

func TestCoro_StopSuspended(t *testing.T) {
	var sawFalse, deferred bool
	c := New(func(c *Coro) {
		defer func() { deferred = true }()
		sawFalse = !c.Yield()
	})
	require.Equal(t, Yielded, c.Resume())
	c.Stop()
	assert.True(t, sawFalse)
	assert.True(t, deferred)
}

func TestCoro_StopNeverStarted(t *testing.T) {
	ran := false
	c := New(func(c *Coro) { ran = true })
	c.Stop()
	assert.False(t, ran)
}

func TestOutcome_String(t *testing.T) {
	assert.Equal(t, "exited", Exited.String())
	assert.Equal(t, "unknown", Outcome(0).String())
}
