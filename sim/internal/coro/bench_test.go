package coro

import (
	"iter"
	"math/rand/v2"
	"testing"
)

// BenchmarkHandoff compares, for 4 coroutines that hand the turn to a
// random one of them at every step (itself included, which costs no
// switch), a step that switches straight to the chosen coroutine
// ("direct") with one that goes through home ("home"), and with a bare
// iter.Pull round trip ("pull"). One op is one step.
func BenchmarkHandoff(b *testing.B) {
	b.Run("pull", func(b *testing.B) {
		next, stop := iter.Pull(func(yield func(int) bool) {
			for i := 0; yield(i); i++ {
			}
		})
		defer stop()
		for range b.N {
			next()
		}
	})
	for _, direct := range []bool{true, false} {
		name := "home"
		if direct {
			name = "direct"
		}
		b.Run(name, func(b *testing.B) {
			r := rand.New(rand.NewPCG(1, 2))
			var cos [4]*Coro
			steps, chosen := 0, 0
			for i := range cos {
				cos[i] = New(func(c *Coro) {
					for steps < b.N {
						steps++
						if chosen = r.IntN(4); chosen == i {
							continue
						}
						if direct {
							c.SwitchTo(cos[chosen])
						} else {
							c.Yield()
						}
					}
					chosen = -1
					c.Yield()
				})
			}
			var h Home
			b.ResetTimer()
			for chosen >= 0 {
				h.Resume(cos[chosen])
			}
			b.StopTimer()
			for _, c := range cos {
				h.Settle(c)
				c.Stop()
			}
		})
	}
}
