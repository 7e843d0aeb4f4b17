package informer

import (
	"context"

	"kctl.dev/kctl/api/meta"
	"kctl.dev/kctl/client"
)

// ListerWatcher is what a Reflector needs from the API: list and watch one
// collection. *client.Resource[T] satisfies it.
type ListerWatcher[T meta.Object] interface {
	// List returns one page of the collection, as shaped by opts.
	List(ctx context.Context, opts client.ListOptions) (*client.List[T], error)
	// Watch opens a stream of changes, as shaped by opts.
	Watch(ctx context.Context, opts client.ListOptions) (client.Watch[T], error)
}

// Store receives what a Reflector observes, in order, from one goroutine.
type Store[T meta.Object] interface {
	// Replace installs the complete content observed at resourceVersion: the
	// result of a list, or the initial events of a WatchList.
	Replace(items []T, resourceVersion string)
	// Added, Modified and Deleted apply one watch event. For Deleted, obj is
	// the object's last state as the server knew it.
	Added(obj T)
	Modified(obj T)
	Deleted(obj T)
}
