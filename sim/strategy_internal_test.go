package sim

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// intN draws what rand.Rand.IntN draws from the same generator, so that
// Random's seeds keep their schedules: every size class (a power of two,
// small, near 2^63) over many seeds and draws.
func TestIntN_AsRand(t *testing.T) {
	sizes := []int{1, 2, 3, 4, 5, 7, 62, 64, 100, 1 << 20, 1<<20 + 1, 1<<62 + 12345, 1<<63 - 1}
	for seed := range uint64(50) {
		want := newRNG(seed)
		var got rand.PCG
		got.Seed(seed, seed^0x9e3779b97f4a7c15)
		for i := range 400 {
			n := sizes[i%len(sizes)]
			require.Equal(t, want.IntN(n), intN(&got, n), "seed %d, draw %d, n %d", seed, i, n)
		}
	}
}
