package sim_test

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/tracebed/tracebed/sim"
)

// encodeByRuns is EncodeSchedule as its doc says it: the version, then each
// maximal run of equal decisions, as digits when shorter than 4, else as
// one digit, "_", the count and "."; indexes of 62 or more as "~N.".
func encodeByRuns(choices []int) string {
	const digits = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	one := func(c int) string {
		if c < len(digits) {
			return digits[c : c+1]
		}
		return "~" + strconv.Itoa(c) + "."
	}
	var b strings.Builder
	b.WriteString("1:")
	for i := 0; i < len(choices); {
		j := i
		for j < len(choices) && choices[j] == choices[i] {
			j++
		}
		if j-i < 4 {
			b.WriteString(strings.Repeat(one(choices[i]), j-i))
		} else {
			b.WriteString(one(choices[i]) + "_" + strconv.Itoa(j-i) + ".")
		}
		i = j
	}
	return b.String()
}

func TestEncodeSchedule_Runs(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		// Few distinct values, so that runs of every length occur.
		value := rapid.OneOf(rapid.IntRange(0, 2), rapid.IntRange(60, 63))
		var choices []int
		for _, r := range rapid.SliceOf(rapid.IntRange(1, 7)).Draw(rt, "runs") {
			c := value.Draw(rt, "value")
			for range r {
				choices = append(choices, c)
			}
		}
		assert.Equal(rt, encodeByRuns(choices), sim.EncodeSchedule(choices))
	})
}

// BenchmarkEncodeSchedule encodes the schedule of a run of 400 random
// decisions among 4 options, as every run's Result does.
func BenchmarkEncodeSchedule(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	choices := make([]int, 400)
	for i := range choices {
		choices[i] = r.IntN(4)
	}
	b.ReportAllocs()
	for range b.N {
		_ = sim.EncodeSchedule(choices)
	}
}

// Decoding counts before it stores: a string of digits past
// MaxScheduleDecisions is rejected as a repeat count past it is; the
// largest repeat allocates its decisions once, not by doubling (190 MB for
// 4M decisions before); and an error quotes a few hundred bytes of a
// string, not all of it.
func TestDecodeSchedule_CountsBeforeItStores(t *testing.T) {
	digits := "1:" + strings.Repeat("0", sim.MaxScheduleDecisions+1)
	_, err := sim.DecodeSchedule(digits)
	require.ErrorIs(t, err, sim.ErrBadSchedule)
	assert.Less(t, len(err.Error()), 1000, "the error quotes the whole string")

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	got, err := sim.DecodeSchedule(fmt.Sprintf("1:0_%d.", sim.MaxScheduleDecisions))
	runtime.ReadMemStats(&after)
	require.NoError(t, err)
	require.Len(t, got, sim.MaxScheduleDecisions)
	assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(sim.MaxScheduleDecisions*8*5/4), "bytes allocated")

	_, err = sim.DecodeSchedule("1:" + strings.Repeat("z", 1<<20) + "!")
	require.ErrorIs(t, err, sim.ErrBadSchedule)
	assert.Less(t, len(err.Error()), 1000)
	assert.Contains(t, err.Error(), `unexpected '!'`)
}

// A decode error names the character it stopped at, not its first byte,
// and quotes a bad number shortly.
func TestDecodeSchedule_ErrorsNameWhatIsWrong(t *testing.T) {
	_, err := sim.DecodeSchedule("1:01€")
	require.ErrorIs(t, err, sim.ErrBadSchedule)
	assert.Contains(t, err.Error(), `unexpected '€'`)
	_, err = sim.DecodeSchedule("1:0_" + strings.Repeat("9", 300) + ".")
	require.ErrorIs(t, err, sim.ErrBadSchedule)
	assert.Less(t, len(err.Error()), 400)
}
