package sim

import (
	"math/bits"
	"math/rand/v2"
	"strconv"
)

// Random returns the uniform random-walk strategy: at every decision each
// option is equally likely. It is the default strategy, with seed 0.
func Random(seed uint64) Strategy {
	r := &randomStrategy{seed: seed}
	r.pcg.Seed(seed, seed^0x9e3779b97f4a7c15) // as newRNG
	return r
}

type randomStrategy struct {
	seed uint64
	pcg  rand.PCG // called directly, not through a rand.Rand's interface
}

func (r *randomStrategy) Name() string {
	return "random(seed=" + strconv.FormatUint(r.seed, 10) + ")" // once per run: no fmt
}
func (r *randomStrategy) Seed() uint64           { return r.seed }
func (r *randomStrategy) Choose(d *Decision) int { return intN(&r.pcg, d.N) }

// intN is rand.New(p).IntN(n) for n > 0, the same numbers from the same
// generator (TestIntN_AsRand), without the interface call: Lemire's
// multiply-and-reject, as math/rand/v2 does on every platform.
func intN(p *rand.PCG, n int) int {
	un := uint64(n)
	if un&(un-1) == 0 {
		return int(p.Uint64() & (un - 1))
	}
	hi, lo := bits.Mul64(p.Uint64(), un)
	if lo < un {
		thresh := -un % un
		for lo < thresh {
			hi, lo = bits.Mul64(p.Uint64(), un)
		}
	}
	return int(hi)
}

// newRNG returns a generator seeded from seed alone.
func newRNG(seed uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
}
