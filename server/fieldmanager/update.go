package fieldmanager

import (
	"kctl.dev/kctl/api/schema"
)

// Update records the change from old to obj (old nil for create) as an
// "Update" operation by req.Manager: fields that changed or were added become
// owned by it and are taken away from the other managers' sets, fields that
// were removed leave every set. It returns obj with metadata.managedFields
// set (obj is modified in place).
//
// As on a real server: managed fields obj carries replace old's (a client may
// edit them), except on a subresource; an empty list, or a list of one empty
// entry, clears them; an existing object without managed fields stays
// untracked until it is applied to; the entry's time changes only when the
// manager gains fields; past ten Update entries the oldest are merged into
// "ancient-changes".
func Update(old, obj map[string]any, s *schema.Schema, req Request) (map[string]any, error) {
	return update(old, obj, s, req, true)
}

// update is Update; without fast, a create takes the general path as well
// (for tests comparing the two).
func update(old, obj map[string]any, s *schema.Schema, req Request, fast bool) (map[string]any, error) {
	if obj == nil {
		return nil, errorf("no object to record")
	}
	op := newOperation(s, req)
	var ms managers
	switch {
	case req.Subresource != "":
		ms = decodeOrNone(old)
	case isResetManagedFields(obj):
	default:
		var err error
		if ms, err = decodeManagers(obj); err != nil || len(ms) == 0 {
			ms = decodeOrNone(old)
		}
	}
	if md := metadataOf(obj); md != nil {
		delete(md, "managedFields")
	}
	if len(ms) == 0 && old != nil && uidOf(old) != "" {
		return obj, nil // tracking starts at the first apply
	}
	base := old
	if base == nil {
		base = op.empty()
		if fast && len(ms) == 0 && op.createEntry(base, obj) {
			return obj, nil
		}
	}
	ms = op.record(base, obj, ms, op.updateID(req.Manager))
	setManagedFields(obj, ms)
	return obj, nil
}

// decodeOrNone reads the managed fields of obj, none when it has none or
// they cannot be read.
func decodeOrNone(obj map[string]any) managers {
	if obj == nil {
		return nil
	}
	ms, err := decodeManagers(obj)
	if err != nil {
		return nil
	}
	return ms
}

func uidOf(obj map[string]any) string {
	uid, _ := metadataOf(obj)["uid"].(string)
	return uid
}
