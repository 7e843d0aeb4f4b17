package meta

// DeleteOptions is the optional body of a DELETE.
type DeleteOptions struct {
	TypeMeta           `json:",inline"`
	GracePeriodSeconds *int64         `json:"gracePeriodSeconds,omitempty"`
	Preconditions      *Preconditions `json:"preconditions,omitempty"`
	OrphanDependents   *bool          `json:"orphanDependents,omitempty"`
	PropagationPolicy  *string        `json:"propagationPolicy,omitempty"`
	DryRun             []string       `json:"dryRun,omitempty"`
	// IgnoreStoreReadErrorWithClusterBreakingPotential asks for the unsafe
	// deletion of an object the server cannot read back from storage.
	IgnoreStoreReadErrorWithClusterBreakingPotential *bool `json:"ignoreStoreReadErrorWithClusterBreakingPotential,omitempty"`
}

// Preconditions must hold for a delete to happen.
type Preconditions struct {
	UID             *string `json:"uid,omitempty"`
	ResourceVersion *string `json:"resourceVersion,omitempty"`
}

// Propagation policies accepted in DeleteOptions.
const (
	DeletePropagationOrphan     = "Orphan"
	DeletePropagationBackground = "Background"
	DeletePropagationForeground = "Foreground"
)

// Watch event types.
const (
	Added    = "ADDED"
	Modified = "MODIFIED"
	Deleted  = "DELETED"
	Bookmark = "BOOKMARK"
	Error    = "ERROR"
)

// WatchEvent is one frame of a watch stream. Object is the raw JSON of the object
// (or of a Status for ERROR, or of a Table row set when a Table was asked for).
type WatchEvent struct {
	Type   string  `json:"type"`
	Object RawJSON `json:"object"`
}

// RawJSON is pre-encoded JSON that encodes as itself.
type RawJSON []byte

// MarshalJSON returns r itself, or null when empty.
func (r RawJSON) MarshalJSON() ([]byte, error) {
	if len(r) == 0 {
		return []byte("null"), nil
	}
	return r, nil
}

// UnmarshalJSON keeps a copy of b.
func (r *RawJSON) UnmarshalJSON(b []byte) error {
	*r = append((*r)[:0], b...)
	return nil
}

// InitialEventsEndAnnotation marks the bookmark that ends the initial events of a
// sendInitialEvents=true watch.
const InitialEventsEndAnnotation = "k8s.io/initial-events-end"
