package registry

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	apierrors "kctl.dev/kctl/api/errors"
	"kctl.dev/kctl/api/meta"
	"kctl.dev/kctl/server/storage"
)

// WatchOptions shape a Watch, as the query parameters of the same names.
type WatchOptions struct {
	Selection
	ResourceVersion string
	// BookmarkInterval, when positive, sends a BOOKMARK carrying the latest
	// revision seen by this watch that often.
	BookmarkInterval time.Duration
}

// WatchEvent is one event of a watch. Object carries the object at the event's
// revision (for DELETED, its last state stamped with the delete's revision); for
// BOOKMARK only Revision is set; for ERROR, Err is a Status error.
type WatchEvent struct {
	Type     string
	Object   *Object
	Revision int64
	Err      *apierrors.StatusError
}

// Watch streams the changes of ns (all namespaces when "") selected by opts. With
// resourceVersion "" it starts now; "0" first sends the current state as ADDED;
// R sends every change after R, or one ERROR 410 Expired event when R has been
// compacted. The channel is closed when ctx ends or the stream breaks.
func (s *Store) Watch(ctx context.Context, ns string, opts WatchOptions) (<-chan WatchEvent, error) {
	prefix := s.Prefix(ns)
	var initial []*Object
	var from int64
	switch opts.ResourceVersion {
	case "":
		rev, err := s.kv.Revision(ctx)
		if err != nil {
			return nil, s.internal(err)
		}
		from = rev
	case "0":
		list, err := s.List(ctx, ns, ListOptions{Selection: opts.Selection})
		if err != nil {
			return nil, err
		}
		initial, from = list.Items, list.Revision
	default:
		rev, err := strconv.ParseInt(opts.ResourceVersion, 10, 64)
		if err != nil || rev < 0 {
			return nil, apierrors.NewBadRequest(fmt.Sprintf("invalid resource version %q", opts.ResourceVersion))
		}
		if err := s.waitForRevision(ctx, rev); err != nil {
			return nil, err
		}
		from = rev
	}
	ctx, cancel := context.WithCancel(ctx)
	events, err := s.kv.Watch(ctx, prefix, from)
	if errors.Is(err, storage.ErrCompacted) {
		cancel()
		compacted, _ := s.kv.CompactedRevision(context.Background())
		out := make(chan WatchEvent, 1)
		out <- WatchEvent{Type: meta.Error, Err: apierrors.NewResourceExpired(
			fmt.Sprintf("too old resource version: %d (%d)", from, compacted))}
		close(out)
		return out, nil
	}
	if err != nil {
		cancel()
		return nil, s.internal(err)
	}
	out := make(chan WatchEvent, 64)
	go s.pump(ctx, cancel, events, out, initial, from, opts)
	return out, nil
}

func (s *Store) pump(ctx context.Context, cancel context.CancelFunc, events <-chan storage.Event, out chan<- WatchEvent, initial []*Object, last int64, opts WatchOptions) {
	defer close(out)
	defer cancel()
	send := func(e WatchEvent) bool {
		select {
		case out <- e:
			return true
		case <-ctx.Done():
			return false
		}
	}
	for _, o := range initial {
		if !send(WatchEvent{Type: meta.Added, Object: o, Revision: o.Revision}) {
			return
		}
	}
	var tick <-chan time.Time
	if opts.BookmarkInterval > 0 {
		t := time.NewTicker(opts.BookmarkInterval)
		defer t.Stop()
		tick = t.C
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick:
			if last > 0 && !send(WatchEvent{Type: meta.Bookmark, Revision: last}) {
				return
			}
		case ev, ok := <-events:
			if !ok {
				return
			}
			if ev.Type == storage.EventError {
				send(WatchEvent{Type: meta.Error, Err: watchError(ev.Err)})
				return
			}
			last = ev.KV.ModRevision
			we, keep, err := s.translate(ev, opts.Selection)
			if err != nil {
				send(WatchEvent{Type: meta.Error, Err: apierrors.NewInternalError(err)})
				return
			}
			if keep && !send(we) {
				return
			}
		}
	}
}

func watchError(err error) *apierrors.StatusError {
	if errors.Is(err, storage.ErrCompacted) {
		return apierrors.NewResourceExpired(fmt.Sprintf("too old resource version: %v", err))
	}
	var se *apierrors.StatusError
	if errors.As(err, &se) {
		return se
	}
	return apierrors.NewInternalError(err)
}

// translate turns a storage event into the watch event a selection sees: an
// object entering the selection is ADDED, one leaving it DELETED (its previous
// state at the new revision).
func (s *Store) translate(ev storage.Event, sel Selection) (WatchEvent, bool, error) {
	rev := ev.KV.ModRevision
	var cur, prev *Object
	if ev.Type == storage.EventPut {
		cur = newObject(ev.KV.Value, rev)
	}
	if ev.PrevKV != nil {
		prev = newObject(ev.PrevKV.Value, rev)
	}
	if sel.Empty() {
		switch {
		case cur == nil && prev != nil:
			return WatchEvent{Type: meta.Deleted, Object: prev, Revision: rev}, true, nil
		case cur != nil && (prev == nil || ev.KV.CreateRevision == rev):
			return WatchEvent{Type: meta.Added, Object: cur, Revision: rev}, true, nil
		case cur != nil:
			return WatchEvent{Type: meta.Modified, Object: cur, Revision: rev}, true, nil
		}
		return WatchEvent{}, false, nil
	}
	matches := func(o *Object) (bool, error) {
		if o == nil {
			return false, nil
		}
		u, err := o.Unstructured()
		if err != nil {
			return false, err
		}
		return sel.Matches(s.kind, u), nil
	}
	curOK, err := matches(cur)
	if err != nil {
		return WatchEvent{}, false, err
	}
	prevOK, err := matches(prev)
	if err != nil {
		return WatchEvent{}, false, err
	}
	switch {
	case curOK && prevOK:
		return WatchEvent{Type: meta.Modified, Object: cur, Revision: rev}, true, nil
	case curOK:
		return WatchEvent{Type: meta.Added, Object: cur, Revision: rev}, true, nil
	case prevOK:
		return WatchEvent{Type: meta.Deleted, Object: prev, Revision: rev}, true, nil
	}
	return WatchEvent{}, false, nil
}
