package memory

import "kctl.dev/kctl/server/storage"

// chunkSize is the number of events per log chunk. Chunks keep appends cheap (no
// copy of the whole log when it grows) and let compaction drop history a chunk at
// a time.
const chunkSize = 1024

// eventLog holds every event since the compacted revision, in revision order.
// Revisions are dense (each write adds exactly one), so an event's place in the
// log follows from its revision. Chunks are append-only: an event, once written,
// never changes, so watchers may read a chunk without the store's lock.
type eventLog struct {
	// first is the revision of chunks[0][0].
	first  int64
	chunks [][]storage.Event
}

func newEventLog() eventLog { return eventLog{first: 1} }

// append adds ev, whose revision must follow the last one's.
func (l *eventLog) append(ev storage.Event) {
	n := len(l.chunks)
	if n == 0 || len(l.chunks[n-1]) == chunkSize {
		l.chunks = append(l.chunks, make([]storage.Event, 0, chunkSize))
		n++
	}
	l.chunks[n-1] = append(l.chunks[n-1], ev)
}

// since returns the events with revision > rev, as a list of chunk slices, valid
// to read after the caller drops the store's lock. rev must not be below the
// revision before l.first.
func (l *eventLog) since(rev int64) [][]storage.Event {
	pos := rev + 1 - l.first // index of the first event wanted
	ci, off := int(pos/chunkSize), int(pos%chunkSize)
	if ci >= len(l.chunks) {
		return nil
	}
	out := make([][]storage.Event, 0, len(l.chunks)-ci)
	for i := ci; i < len(l.chunks); i++ {
		c := l.chunks[i]
		if i == ci {
			c = c[off:]
		}
		if len(c) > 0 {
			out = append(out, c[:len(c):len(c)])
		}
	}
	return out
}

// trim drops the chunks holding only events at or before rev.
func (l *eventLog) trim(rev int64) {
	drop := 0
	for drop < len(l.chunks) && len(l.chunks[drop]) == chunkSize &&
		l.first+int64(drop+1)*chunkSize-1 <= rev {
		drop++
	}
	if drop == 0 {
		return
	}
	rest := make([][]storage.Event, len(l.chunks)-drop, max(len(l.chunks)-drop, 4))
	copy(rest, l.chunks[drop:])
	l.chunks = rest
	l.first += int64(drop) * chunkSize
}
