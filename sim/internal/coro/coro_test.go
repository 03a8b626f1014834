package coro

import (
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
	"pgregory.net/rapid"
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
			var h Home
			var got []Outcome
			for {
				_, o := h.Resume(c)
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
	var h Home
	_, o := h.Resume(c)
	require.Equal(t, Panicked, o)
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
	var h Home
	_, o := h.Resume(c)
	require.Equal(t, Yielded, o)
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

// handoff is what home saw come back: which coroutine, and why.
type handoff struct {
	from int
	out  Outcome
}

// TestSwitchTo_RandomHandoffs hands the turn among n coroutines along a
// random plan (straight to another coroutine, or back home, which then
// resumes the lowest one not ended), one of them ending on the way
// (returning, panicking or calling runtime.Goexit). Every hand-off must
// reach the coroutine it names and home must learn who came back and why,
// as a model of the plan says; then every coroutine is settled and
// stopped, a returned one runs a new body under another Home, and no
// goroutine is left (goleak).
func TestSwitchTo_RandomHandoffs(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		n := rapid.IntRange(1, 6).Draw(rt, "n")
		plan := rapid.SliceOfN(rapid.IntRange(-1, n-1), 0, 60).Draw(rt, "plan") // -1: home
		endAt := rapid.IntRange(0, len(plan)+1).Draw(rt, "endAt")               // len+1: never
		how := rapid.SampledFrom([]Outcome{Returned, Panicked, Exited}).Draw(rt, "how")

		// The model.
		lowest := func(ended []bool) int {
			for i, e := range ended {
				if !e {
					return i
				}
			}
			return -1
		}
		var wantRan []int
		var wantHome []handoff
		modelEnded := make([]bool, n)
		for r, s := 0, 0; s <= len(plan) && r >= 0; s++ {
			wantRan = append(wantRan, r)
			switch {
			case s == endAt:
				modelEnded[r] = true
				wantHome = append(wantHome, handoff{r, how})
				r = lowest(modelEnded)
			case s < len(plan) && plan[s] >= 0 && plan[s] != r && !modelEnded[plan[s]]:
				r = plan[s]
			default:
				wantHome = append(wantHome, handoff{r, Yielded})
				r = lowest(modelEnded)
			}
		}

		// The coroutines.
		cos := make([]*Coro, n)
		ended := make([]bool, n)
		var ran []int
		step := 0
		for i := range cos {
			cos[i] = New(func(c *Coro) {
				for {
					ran = append(ran, i)
					s := step
					step++
					switch {
					case s == endAt:
						ended[i] = true
						switch how {
						case Panicked:
							panic("end")
						case Exited:
							runtime.Goexit()
						}
						return
					case s < len(plan) && plan[s] >= 0 && plan[s] != i && !ended[plan[s]]:
						if !c.SwitchTo(cos[plan[s]]) {
							return
						}
					default:
						if !c.Yield() {
							return
						}
					}
				}
			})
		}
		index := func(c *Coro) int {
			for i, d := range cos {
				if d == c {
					return i
				}
			}
			return -1
		}
		var h Home
		var home []handoff
		for r := 0; step <= len(plan) && r >= 0; r = lowest(ended) {
			from, out := h.Resume(cos[r])
			home = append(home, handoff{index(from), out})
		}
		require.Equal(rt, wantRan, ran, "who ran")
		require.Equal(rt, wantHome, home, "what came home")

		for _, c := range cos {
			h.Settle(c)
		}
		for i, c := range cos {
			require.Equal(rt, ended[i], c.Ended(), "coroutine %d", i)
			if ended[i] && how == Returned {
				// Its goroutine serves a new body, under another Home.
				ranAgain := false
				c.Reuse(func(*Coro) { ranAgain = true })
				var h2 Home
				from, out := h2.Resume(c)
				require.True(rt, from == c && out == Returned && ranAgain)
			}
			c.Stop()
		}
	})
}

func TestStop_Unsettled(t *testing.T) {
	var a, b *Coro
	a = New(func(c *Coro) { c.SwitchTo(b) })
	b = New(func(c *Coro) { c.Yield() })
	var h Home
	from, out := h.Resume(a)
	require.True(t, from == b && out == Yielded)
	// a's goroutine is parked in b's slot, and b's in home's old place.
	assert.PanicsWithValue(t, "coro: Stop of a coroutine parked outside its own slot (Settle it first)", a.Stop)
	h.Settle(a)
	h.Settle(b)
	a.Stop()
	b.Stop()
}
