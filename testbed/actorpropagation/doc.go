// Package actorpropagation is the actor-propagation scenario of the
// testbed (Java actor_propagation): an actor handles the messages of its
// mailbox on a pool of two worker tasks. A caller tells it a message (fire
// and forget) or asks it one (and gets a future of the answer) from inside
// its producer span; the actor handles each message in a consumer span
// that FOLLOWS_FROM the producer's — the span active on the caller when it
// sent the message, captured there, since the worker that handles it runs
// long after, elsewhere.
//
// The checks are the Java test's — per exchange, one producer span, two
// consumer spans in its trace, the answers of ask — plus the testbed's:
// each consumer span has a FOLLOWS_FROM reference to its producer and no
// CHILD_OF, it finished after its producer (the workers wait for the
// producer to finish, as the Java test's phaser makes them), and a told
// message's consumer span carries the log of its own message, written
// through the active span.
//
// See README.md for the pattern on each platform, a timeline of one run and
// the bug you get when the actor reads the producer where it handles the
// message instead of where it was sent.
package actorpropagation
