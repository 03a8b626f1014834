package sim

import (
	"math/bits"
	"slices"
)

// runSet is the set of runnable tasks waiting to run (the running task is
// never in it), by task id. Membership is a bitmap of 64 ids per word, and
// past the first word a Fenwick tree counts the members of each word, so
// that adding and removing a task, the i-th member in id order (a
// decision's option i) and the rank of a member (the option of a task) all
// cost O(log n) in the number of tasks: a scheduling step never walks the
// tasks. A run of up to 64 tasks never touches the tree and allocates
// nothing for the set.
type runSet struct {
	words []uint64 // membership bits: id i is bit i%64 of words[i/64]
	tree  []int32  // 1-based over words: tree[i] counts members of words (i-lowbit(i), i]
	n     int      // members
	small [2]uint64
}

// grow makes room for ids up to id, as not members. Past one word it
// at least doubles the words and rebuilds the tree in O(words), so that
// growing costs O(1) amortised per id.
func (r *runSet) grow(id int) {
	if r.words == nil {
		r.words = r.small[:1]
	}
	need := id/64 + 1
	if need <= len(r.words) {
		return
	}
	if need <= len(r.small) && len(r.words) <= len(r.small) {
		r.words = r.small[:need]
	} else {
		r.words = append(r.words, make([]uint64, max(need, 2*len(r.words))-len(r.words))...)
	}
	r.tree = slices.Grow(r.tree[:0], len(r.words))[:len(r.words)]
	for i, w := range r.words {
		r.tree[i] = int32(bits.OnesCount64(w))
	}
	for i := 1; i <= len(r.tree); i++ {
		if j := i + i&-i; j <= len(r.tree) {
			r.tree[j-1] += r.tree[i-1]
		}
	}
}

// prefix counts the members of words with a 1-based index of at most i.
func (r *runSet) prefix(i int) int {
	n := 0
	for ; i > 0; i &= i - 1 {
		n += int(r.tree[i-1])
	}
	return n
}

// update adds d to the count of word w.
func (r *runSet) update(w int, d int32) {
	for i := w + 1; i <= len(r.tree); i += i & -i {
		r.tree[i-1] += d
	}
}

// add makes id a member (a no-op if it is one).
func (r *runSet) add(id int) bool {
	w, bit := id>>6, uint64(1)<<(id&63)
	if w >= len(r.words) {
		r.grow(id)
	}
	if r.words[w]&bit != 0 {
		return false
	}
	r.words[w] |= bit
	r.n++
	if len(r.words) > 1 {
		r.update(w, 1)
	}
	return true
}

// remove makes id not a member (a no-op if it is not one).
func (r *runSet) remove(id int) bool {
	w, bit := id>>6, uint64(1)<<(id&63)
	if w >= len(r.words) || r.words[w]&bit == 0 {
		return false
	}
	r.words[w] &^= bit
	r.n--
	if len(r.words) > 1 {
		r.update(w, -1)
	}
	return true
}

// has reports whether id is a member.
func (r *runSet) has(id int) bool {
	w := id >> 6
	return w < len(r.words) && r.words[w]&(1<<(id&63)) != 0
}

// rank returns the number of members with an id below id.
func (r *runSet) rank(id int) int {
	w := id >> 6
	if w >= len(r.words) {
		return r.n
	}
	below := bits.OnesCount64(r.words[w] & (1<<(id&63) - 1))
	if len(r.words) == 1 {
		return below
	}
	return r.prefix(w) + below
}

// kth returns the member of rank k (0 ≤ k < n): the k-th smallest id.
func (r *runSet) kth(k int) int {
	if len(r.words) == 1 {
		return selectBit(r.words[0], k)
	}
	pos := 0 // 1-based word index: members of words [1, pos] number ≤ k
	for step := 1 << (bits.Len(uint(len(r.tree))) - 1); step > 0; step >>= 1 {
		if next := pos + step; next <= len(r.tree) && int(r.tree[next-1]) <= k {
			pos = next
			k -= int(r.tree[next-1])
		}
	}
	return pos<<6 + selectBit(r.words[pos], k) // 1-based pos+1 is word pos
}

// first returns the smallest member, or -1 if there is none.
func (r *runSet) first() int {
	if r.n == 0 {
		return -1
	}
	return r.kth(0)
}

// selectBit returns the position of the set bit of rank k in w (0 ≤ k <
// popcount(w)): for a low rank (as in every run of a few tasks) by
// clearing the k lowest set bits, which costs half of the general way,
// halving the word by popcounts down to a byte.
func selectBit(w uint64, k int) int {
	if k < 8 {
		for ; k > 0; k-- {
			w &= w - 1
		}
		return bits.TrailingZeros64(w)
	}
	pos := 0
	if c := bits.OnesCount32(uint32(w)); k >= c {
		k -= c
		w >>= 32
		pos += 32
	}
	if c := bits.OnesCount16(uint16(w)); k >= c {
		k -= c
		w >>= 16
		pos += 16
	}
	if c := bits.OnesCount8(uint8(w)); k >= c {
		k -= c
		w >>= 8
		pos += 8
	}
	for ; k > 0; k-- {
		w &= w - 1
	}
	return pos + bits.TrailingZeros64(w)
}
