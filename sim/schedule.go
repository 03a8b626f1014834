package sim

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// scheduleVersion prefixes every schedule string, so that a stale string
// from an incompatible encoding is rejected instead of misread.
const scheduleVersion = "1:"

const digits62 = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"

// MaxScheduleDecisions bounds the number of decisions a schedule string
// may decode to, so that a short string with large repeat counts cannot
// take seconds and gigabytes to decode. It bounds runs too, so that every
// run's schedule replays: a run that reaches it (only one that makes
// progress for millions of steps can, or one given a larger
// [WithMaxSteps]) fails with [ErrLivelock], and its schedule, of exactly
// this many decisions, decodes.
const MaxScheduleDecisions = 1 << 22

// maxRunDecisions is the bound a run stops at: MaxScheduleDecisions, but
// for tests of a run that reaches it (a multiple of choiceChunk).
var maxRunDecisions = MaxScheduleDecisions

// divergenceCause ends the message of a replay that does not fit its run.
const divergenceCause = "the run no longer matches the schedule: the code under test changed, or it is nondeterministic " +
	"(it escapes the scheduler: map iteration order, time.Now, math/rand, state shared between runs)"

// ErrBadSchedule occurs when a schedule string cannot be decoded.
var ErrBadSchedule = errors.New("sim: bad schedule string")

// EncodeSchedule renders a list of decisions (option indexes) as a compact
// schedule string: a version, then one base-62 digit per decision, with runs
// of 4 or more equal decisions written as the digit, "_", the count and ".".
// Indexes of 62 or more are written as "~", the number and ".".
func EncodeSchedule(choices []int) string {
	// Digits are appended one by one, and a run is looked for only when the
	// last four decisions are equal: a test of each decision against the
	// next is a branch that random schedules mispredict a quarter of the
	// time, which showed in the cost of every run.
	buf := make([]byte, 0, len(scheduleVersion)+len(choices))
	buf = append(buf, scheduleVersion...)
	for i := 0; i < len(choices); i++ {
		c := choices[i]
		if uint(c) >= uint(len(digits62)) {
			j := runEnd(choices, i)
			buf = appendRun(buf, c, j-i)
			i = j - 1
			continue
		}
		buf = append(buf, digits62[c])
		// A run of four (it cannot reach back into a run already written:
		// runs are maximal).
		if i >= 3 && (choices[i-1]^c)|(choices[i-2]^c)|(choices[i-3]^c) == 0 {
			j := runEnd(choices, i)
			buf = appendRun(buf[:len(buf)-4], c, j-i+3)
			i = j - 1
		}
	}
	return string(buf)
}

// runEnd returns the end of the run of decisions equal to choices[i].
func runEnd(choices []int, i int) int {
	j := i + 1
	for j < len(choices) && choices[j] == choices[i] {
		j++
	}
	return j
}

// appendRun appends a run of n decisions c.
func appendRun(buf []byte, c, n int) []byte {
	if n < 4 {
		for range n {
			buf = appendChoice(buf, c)
		}
		return buf
	}
	buf = appendChoice(buf, c)
	buf = append(buf, '_')
	buf = strconv.AppendInt(buf, int64(n), 10)
	return append(buf, '.')
}

func appendChoice(buf []byte, c int) []byte {
	if uint(c) < uint(len(digits62)) {
		return append(buf, digits62[c])
	}
	buf = append(buf, '~')
	buf = strconv.AppendInt(buf, int64(c), 10)
	return append(buf, '.')
}

// DecodeSchedule parses a schedule string made by [EncodeSchedule] or
// [TrimSchedule] (whose trailing "+" it ignores). A string that decodes to
// more than [MaxScheduleDecisions] decisions is an [ErrBadSchedule]; the
// decisions are counted before any is stored, so a bad string costs no
// more than its own length, and an error quotes at most 200 bytes of it
// (escaped as %q escapes them).
func DecodeSchedule(s string) ([]int, error) {
	rest, ok := strings.CutPrefix(strings.TrimSuffix(strings.TrimSpace(s), "+"), scheduleVersion)
	if !ok {
		return nil, fmt.Errorf("%w: %s does not start with %q", ErrBadSchedule, clipQuote(s), scheduleVersion)
	}
	n, err := walkSchedule(s, rest, func(int, int) {})
	if err != nil {
		return nil, err
	}
	out := make([]int, 0, n)
	_, _ = walkSchedule(s, rest, func(c, times int) {
		for range times {
			out = append(out, c)
		}
	})
	return out, nil
}

// walkSchedule parses the body of schedule s (rest, after the version),
// calling emit for each run of equal decisions, and returns how many
// decisions there are in all. It stops at the first error, and at
// MaxScheduleDecisions: the count is checked before emit is called.
func walkSchedule(s, rest string, emit func(c, times int)) (int, error) {
	total := 0
	last := -1
	number := func() (int, error) {
		end := strings.IndexByte(rest, '.')
		if end < 0 {
			return 0, fmt.Errorf("%w: unterminated number in %s", ErrBadSchedule, clipQuote(s))
		}
		n, err := strconv.Atoi(rest[:end])
		if err != nil || n < 0 {
			num := rest[:end]
			if len(num) > 20 {
				num = num[:20] + "..."
			}
			return 0, fmt.Errorf("%w: bad number %q in %s", ErrBadSchedule, num, clipQuote(s))
		}
		rest = rest[end+1:]
		return n, nil
	}
	add := func(c, times int) error {
		if times > MaxScheduleDecisions-total {
			return fmt.Errorf("%w: %s has more than %d decisions", ErrBadSchedule, clipQuote(s), MaxScheduleDecisions)
		}
		total += times
		emit(c, times)
		last = c
		return nil
	}
	for rest != "" {
		c, whole := rest[0], rest
		rest = rest[1:]
		var err error
		switch {
		case c == '~':
			var n int
			if n, err = number(); err == nil {
				err = add(n, 1)
			}
		case c == '_':
			if last < 0 {
				return 0, fmt.Errorf("%w: repeat with nothing before it in %s", ErrBadSchedule, clipQuote(s))
			}
			var n int
			if n, err = number(); err != nil {
				break
			}
			if n < 2 {
				return 0, fmt.Errorf("%w: bad repeat count %d in %s", ErrBadSchedule, n, clipQuote(s))
			}
			err = add(last, n-1)
		default:
			i := strings.IndexByte(digits62, c)
			if i < 0 {
				r, _ := utf8.DecodeRuneInString(whole) // the character, not its first byte
				return 0, fmt.Errorf("%w: unexpected %q in %s", ErrBadSchedule, r, clipQuote(s))
			}
			err = add(i, 1)
		}
		if err != nil {
			return 0, err
		}
	}
	return total, nil
}

// Replay returns a strategy that makes exactly the decisions of a recorded
// schedule ([Result.Schedule], [Failure.Schedule]). If the run asks for a
// decision the schedule does not have, or a choice is out of range, or the
// run ends before the schedule does, the run fails with [ErrDivergence]. A
// schedule string that does not decode fails the first decision the same
// way. A schedule ending in "+" (from [TrimSchedule] or [Shrink]) is a
// prefix: Replay treats it as [ReplayPrefix] does.
func Replay(schedule string) Strategy {
	if strings.HasSuffix(strings.TrimSpace(schedule), "+") {
		return ReplayPrefix(schedule)
	}
	choices, err := DecodeSchedule(schedule)
	return &replayStrategy{schedule: schedule, choices: choices, err: err}
}

// ReplayPrefix returns a strategy that makes the decisions of schedule and,
// once it is used up, always chooses option 0 (keep running the current
// task; the first option otherwise). A shrunk schedule, trimmed with
// [TrimSchedule], replays this way. A choice out of range still fails the
// run with [ErrDivergence].
func ReplayPrefix(schedule string) Strategy {
	choices, err := DecodeSchedule(schedule)
	return &replayStrategy{schedule: schedule, choices: choices, err: err, lenient: true}
}

// TrimSchedule drops the trailing default decisions (0) of a schedule and
// marks the result as a prefix with a trailing "+": replayed with
// [ReplayPrefix] (or [Replay], which sees the "+"), it makes the same run.
func TrimSchedule(schedule string) string {
	choices, err := DecodeSchedule(schedule)
	if err != nil {
		return schedule
	}
	n := len(choices)
	for n > 0 && choices[n-1] == 0 {
		n--
	}
	return EncodeSchedule(choices[:n]) + "+"
}

type replayStrategy struct {
	lenient  bool
	schedule string
	choices  []int
	err      error
	pos      int
}

func (r *replayStrategy) Name() string {
	if r.lenient {
		return "replay-prefix"
	}
	return "replay"
}

func (r *replayStrategy) Choose(d *Decision) int {
	r.pos++
	if r.err != nil {
		return -1
	}
	if r.pos > len(r.choices) {
		if r.lenient {
			return 0
		}
		return -1
	}
	return r.choices[r.pos-1]
}

func (r *replayStrategy) finish() error {
	if r.err != nil {
		return r.err
	}
	if r.pos < len(r.choices) && !r.lenient {
		return fmt.Errorf("the run ended after %d decisions but the schedule has %d; %s", r.pos, len(r.choices), divergenceCause)
	}
	return nil
}
