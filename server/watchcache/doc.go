// Package watchcache serves watches and resourceVersion="0" lists of one kind from
// memory, so that many watchers cost one storage watch.
//
// A Cache lists its kind's prefix once, then follows it with a single storage
// watch. It keeps the current state (ordered by key) and a ring of the most recent
// events. A Watch starts from "now", from the current state (synthetic ADDED
// events), or from a resourceVersion still in the ring (older ones get 410
// Expired), and then receives live events. Each event's wire frame is encoded at
// most once per event type and shared by every watcher that receives it.
//
// Watchers have bounded buffers. Dispatch blocks for at most a small shared
// budget per event; a watcher still full after that is closed (its client
// resumes from the last resourceVersion it saw, or relists), so a slow watcher
// never holds up writes or other watchers.
//
// Bookmarks carry the cache's progress, which advances with events and with
// storage progress notifications, so an idle resource's watchers can resume
// without 410 even while other resources move the global revision.
package watchcache
