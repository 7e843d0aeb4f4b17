package informer

// Metrics is a snapshot of an informer's (or a Reflector's) counters.
type Metrics struct {
	// Lists counts complete lists installed in the cache: the first one and
	// every relist (a WatchList's initial events count as one list).
	Lists int64
	// Relists counts the lists after the first.
	Relists int64
	// Watches counts watch requests made.
	Watches int64
	// Events counts watch events received, bookmarks included.
	Events int64
	// Errors counts failed lists and watches (each followed by a backoff).
	Errors int64
	// WatchListFallbacks counts refusals of WatchList that switched the
	// reflector to list + watch.
	WatchListFallbacks int64
	// Pending counts notifications queued to handlers and not yet
	// delivered (informers only).
	Pending int64
	// LastResourceVersion is the resourceVersion the cache is at.
	LastResourceVersion string
}
