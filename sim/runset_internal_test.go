package sim

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// runSet agrees with a sorted slice of ids on every operation, across the
// one-word, two-word (inline) and Fenwick-tree sizes.
func TestRunSet_MatchesAModel(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		maxID := rapid.SampledFrom([]int{3, 63, 64, 130, 700}).Draw(t, "maxID")
		var r runSet
		var model []int // sorted members
		for range rapid.IntRange(1, 300).Draw(t, "ops") {
			id := rapid.IntRange(0, maxID).Draw(t, "id")
			i, in := slices.BinarySearch(model, id)
			if rapid.Bool().Draw(t, "add") {
				require.Equal(t, !in, r.add(id), "add(%d)", id)
				if !in {
					model = slices.Insert(model, i, id)
				}
			} else {
				require.Equal(t, in, r.remove(id), "remove(%d)", id)
				if in {
					model = slices.Delete(model, i, i+1)
				}
			}
			require.Equal(t, len(model), r.n)
			probe := rapid.IntRange(0, maxID+70).Draw(t, "probe")
			j, in := slices.BinarySearch(model, probe)
			require.Equal(t, in, r.has(probe), "has(%d)", probe)
			require.Equal(t, j, r.rank(probe), "rank(%d)", probe)
			if len(model) > 0 {
				k := rapid.IntRange(0, len(model)-1).Draw(t, "k")
				require.Equal(t, model[k], r.kth(k), "kth(%d)", k)
				require.Equal(t, model[0], r.first())
			} else {
				require.Equal(t, -1, r.first())
			}
		}
	})
}

// selectBit finds the set bit of every rank in words of every density.
func TestSelectBit(t *testing.T) {
	for _, w := range []uint64{1, 1 << 63, 0xffffffffffffffff, 0x8000000100010001, 0x00f0f0f0f0f0f0f0, 0xaaaaaaaaaaaaaaaa} {
		k := 0
		for pos := range 64 {
			if w&(1<<pos) != 0 {
				require.Equal(t, pos, selectBit(w, k), "word %#x rank %d", w, k)
				k++
			}
		}
	}
}
