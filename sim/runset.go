package sim

import "math/bits"

// runSet is the set of runnable tasks waiting to run (the running task is
// never in it), by task id. It is a Fenwick tree of membership counts over
// the dense ids, so that adding and removing a task, the i-th member in id
// order (a decision's option i) and the rank of a member (the option of a
// task) all cost O(log n) in the number of tasks: a scheduling step never
// walks the tasks.
type runSet struct {
	tree []int32 // 1-based: tree[i] counts members among ids (i-lowbit(i), i]
	in   []bool  // membership, by id
	n    int     // members
}

// grow makes room for ids up to id, as not members.
func (r *runSet) grow(id int) {
	for len(r.in) <= id {
		i := len(r.in) + 1 // 1-based index of the new id
		r.in = append(r.in, false)
		// tree[i] covers (i-lowbit(i), i]; the new id is not a member, so
		// it is the count over (i-lowbit(i), i-1].
		r.tree = append(r.tree, int32(r.prefix(i-1)-r.prefix(i-(i&-i))))
	}
}

// prefix counts members with a 1-based index of at most i.
func (r *runSet) prefix(i int) int {
	n := 0
	for ; i > 0; i &= i - 1 {
		n += int(r.tree[i-1])
	}
	return n
}

func (r *runSet) update(id int, d int32) {
	for i := id + 1; i <= len(r.tree); i += i & -i {
		r.tree[i-1] += d
	}
}

// add makes id a member (a no-op if it is one).
func (r *runSet) add(id int) bool {
	if id >= len(r.in) {
		r.grow(id)
	}
	if r.in[id] {
		return false
	}
	r.in[id] = true
	r.n++
	r.update(id, 1)
	return true
}

// remove makes id not a member (a no-op if it is not one).
func (r *runSet) remove(id int) bool {
	if id >= len(r.in) || !r.in[id] {
		return false
	}
	r.in[id] = false
	r.n--
	r.update(id, -1)
	return true
}

// has reports whether id is a member.
func (r *runSet) has(id int) bool { return id < len(r.in) && r.in[id] }

// rank returns the number of members with an id below id.
func (r *runSet) rank(id int) int { return r.prefix(min(id, len(r.in))) }

// kth returns the member of rank k (0 ≤ k < n): the k-th smallest id.
func (r *runSet) kth(k int) int {
	pos := 0 // 1-based index: members among [1, pos] number ≤ k
	for step := 1 << (bits.Len(uint(len(r.tree))) - 1); step > 0; step >>= 1 {
		if next := pos + step; next <= len(r.tree) && int(r.tree[next-1]) <= k {
			pos = next
			k -= int(r.tree[next-1])
		}
	}
	return pos // the 1-based index pos+1 is id pos
}

// first returns the smallest member, or -1 if there is none.
func (r *runSet) first() int {
	if r.n == 0 {
		return -1
	}
	return r.kth(0)
}
