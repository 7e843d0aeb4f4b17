// Package bolt is the durable embedded backend of storage.Interface, the default
// of `kctl server`: a multi-version key-value store in one bbolt file.
//
// # Durability and group commit
//
// Every write is committed and fsync'd before the call returns. Writes do not
// each pay for an fsync: callers queue their request and one committer goroutine
// takes every queued request, applies them in order in one bbolt read-write
// transaction (reading the revision counter inside it), commits once, publishes
// the events to watches, and only then answers the callers. While one commit is
// syncing, the next batch gathers. A request that fails its own check
// (ErrExists, ErrConflict, ...) writes nothing and does not affect the others; a
// request whose apply fails with an internal error is dropped from the batch,
// answered with that error, and the rest of the batch is applied again in a fresh
// transaction.
//
// # Key layout
//
// Three buckets:
//
//	meta   "format"    -> 1 byte, layout version (1)
//	       "rev"       -> 8-byte big-endian current revision
//	       "compacted" -> 8-byte big-endian last compaction revision
//	keys   key 0x00 rev  -> flags(1) createRev(8, big-endian) value
//	log    rev           -> key
//
// keys holds every version of every key since compaction: key, a NUL byte (keys
// contain none) and the version's 8-byte big-endian mod revision, so a key's
// versions are adjacent, oldest first, and keys sort in key order. flags bit 0
// marks a tombstone left by a delete. The latest version is one seek past the
// key's versions and one step back; a List at revision R walks the prefix and
// takes, per key, the newest version <= R unless it is a tombstone.
//
// log is the revision-ordered record of writes since the compacted revision: a
// watch from revision R replays log entries > R, reading each version from keys
// and its PrevKV from the version just before it.
//
// Compaction at C walks the log entries in (previous compaction, C]; for each it
// deletes the version the entry superseded, and the entry's own version when it
// is a tombstone; then it deletes those log entries and stores C. What remains at
// or before C is, per key, its newest version at C unless that was a delete,
// exactly what reads at C and later and PrevKVs of later events need.
//
// # Watch
//
// The committer publishes each batch's events, in revision order, to the queue of
// every matching watch before it answers the writers; each watch has its own
// unbounded queue drained by one goroutine, so a slow receiver never blocks the
// committer. A watch from a past revision is registered first and then reads its
// replay from the log, up to the last published revision, into memory before
// Watch returns; a later compaction cannot take events from it.
//
// RequestProgress queues a request for the committer like a write. The committer
// answers every progress request of the batch it takes before committing that
// batch's writes: it queues one notification per watch at the revision last
// published, which is the file's revision since each commit is published before
// the next batch is taken. So a notification follows every event up to its
// revision and precedes every later one, and covers every write and read that
// returned before the request, without waiting for the batch's own fsync.
//
// No state is cached across restarts: the revision and compacted revision are
// read from the file on Open, and the watch bookkeeping starts empty.
package bolt
