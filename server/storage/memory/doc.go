// Package memory is the in-memory backend of storage.Interface: a multi-version
// key-value store that keeps every key's history since the last compaction in
// process memory. It backs server/fake and the storage-level tests, so it favours
// speed and exact etcd v3 semantics over durability: nothing survives the process.
//
// Layout: a map from key to its record (for Get and writes, O(1)), an ordered
// B-tree of the same records (for List, O(log n) to the first key, then one step
// per key), and a revision-ordered log of events since the compacted revision
// (for Watch from a past revision). Each record holds the key's versions in
// revision order, the newest last; a delete appends a tombstone version.
//
// Values are copied in on write and shared on read: treat KeyValue.Value and
// events as read-only, as package storage says.
//
// Watches: each watch has its own unbounded queue filled by writers and drained
// by one goroutine into the returned channel, so a slow receiver never blocks a
// writer or another watch. Close ends every watch and waits for its goroutine.
// RequestProgress queues its notifications under the lock writers publish
// events under, so a notification is ordered exactly among the events.
package memory
