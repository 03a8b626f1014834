package sim

import (
	"fmt"
	"math/rand/v2"
)

// Random returns the uniform random-walk strategy: at every decision each
// option is equally likely. It is the default strategy, with seed 0.
func Random(seed uint64) Strategy {
	return &randomStrategy{seed: seed, rng: newRNG(seed)}
}

type randomStrategy struct {
	seed uint64
	rng  *rand.Rand
}

func (r *randomStrategy) Name() string           { return fmt.Sprintf("random(seed=%d)", r.seed) }
func (r *randomStrategy) Seed() uint64           { return r.seed }
func (r *randomStrategy) Choose(d *Decision) int { return r.rng.IntN(d.N) }

// newRNG returns a generator seeded from seed alone.
func newRNG(seed uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
}
