package informer

import "kctl.dev/kctl/api/meta"

// Placeholders for client.ListOptions, client.List, client.Watch and
// client.Event until package client exports them; then these become aliases.

type listOptions struct {
	LabelSelector, FieldSelector, ResourceVersion, ResourceVersionMatch, Continue string
	Limit, TimeoutSeconds                                                        int64
	AllowWatchBookmarks, SendInitialEvents                                       bool
}

type objectList[T meta.Object] struct {
	meta.ListMeta
	Items []T
}

type watchStream[T meta.Object] interface {
	Next() (watchEvent[T], error)
	Stop()
}

type watchEvent[T meta.Object] struct {
	Type             string
	Object           T
	Status           *meta.Status
	ResourceVersion  string
	InitialEventsEnd bool
}
