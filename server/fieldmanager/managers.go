package fieldmanager

import (
	"fmt"
	"sort"
	"time"
)

// entry is one managed-fields entry, decoded.
type entry struct {
	id         managerID
	apiVersion string    // the version the set was recorded at
	time       string    // as recorded; "" for none
	set        *fieldSet // never empty in a stored entry

	// decoded is the set as read, raw its fieldsV1: while set is decoded,
	// raw encodes it.
	decoded *fieldSet
	raw     map[string]any
}

// managers are the entries of an object, in no particular order.
type managers []*entry

func (ms managers) find(id managerID) *entry {
	for _, e := range ms {
		if e.id == id {
			return e
		}
	}
	return nil
}

// put adds e, replacing the entry with the same identifier.
func (ms managers) put(e *entry) managers {
	for i, old := range ms {
		if old.id == e.id {
			ms[i] = e
			return ms
		}
	}
	return append(ms, e)
}

// clone copies the list and its entries (the sets are immutable).
func (ms managers) clone() managers {
	out := make(managers, len(ms))
	for i, e := range ms {
		c := *e
		out[i] = &c
	}
	return out
}

// withoutEmpty drops the entries whose sets are empty.
func (ms managers) withoutEmpty() managers {
	out := ms[:0]
	for _, e := range ms {
		if !e.set.empty() {
			out = append(out, e)
		}
	}
	return out
}

// owned is the union of every entry's set.
func (ms managers) owned() *fieldSet {
	var s *fieldSet
	for _, e := range ms {
		s = union(s, e.set)
	}
	return s
}

// decodeManagers reads the metadata.managedFields of an object. Entries with
// the same identifier collapse into the last one, as in Kubernetes.
func decodeManagers(obj map[string]any) (managers, error) {
	raw, ok := metadataOf(obj)["managedFields"]
	if !ok || raw == nil {
		return nil, nil
	}
	list, ok := raw.([]any)
	if !ok {
		return nil, fmt.Errorf("managedFields must be a list, got %T", raw)
	}
	var ms managers
	for i, item := range list {
		m, ok := item.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("managed fields entry %d is not an object", i)
		}
		str := func(k string) string { s, _ := m[k].(string); return s }
		e := &entry{
			id: managerID{
				manager:     str("manager"),
				operation:   str("operation"),
				subresource: str("subresource"),
			},
			apiVersion: str("apiVersion"),
			time:       str("time"),
		}
		switch e.id.operation {
		case OperationApply:
		case OperationUpdate:
			e.id.apiVersion = e.apiVersion
		default:
			return nil, fmt.Errorf("operation must be `Apply` or `Update`")
		}
		if e.apiVersion == "" {
			return nil, fmt.Errorf("apiVersion must not be empty")
		}
		switch ft := str("fieldsType"); ft {
		case "FieldsV1":
		case "":
			return nil, fmt.Errorf("missing fieldsType in managed fields entry %d", i)
		default:
			return nil, fmt.Errorf("invalid fieldsType %q in managed fields entry %d", ft, i)
		}
		set, err := decodeFieldsV1(m["fieldsV1"])
		if err != nil {
			return nil, fmt.Errorf("error decoding versioned set from entry %d: %v", i, err)
		}
		e.set, e.decoded = set, set
		e.raw, _ = m["fieldsV1"].(map[string]any)
		ms = ms.put(e)
	}
	return ms, nil
}

// isResetManagedFields reports whether an object asks for its managed fields
// to be cleared: an empty list, or a list of one empty entry.
func isResetManagedFields(obj map[string]any) bool {
	raw, ok := metadataOf(obj)["managedFields"]
	if !ok || raw == nil {
		return false
	}
	list, ok := raw.([]any)
	if !ok {
		return false
	}
	switch len(list) {
	case 0:
		return true
	case 1:
		m, ok := list[0].(map[string]any)
		return ok && len(m) == 0
	}
	return false
}

// unixSeconds is an entry's time for ordering; none sorts as zero.
func (e *entry) unixSeconds() int64 {
	if e.time == "" {
		return 0
	}
	t, err := time.Parse(time.RFC3339, e.time)
	if err != nil {
		return 0
	}
	return t.Unix()
}

// encode returns the entries in Kubernetes' order (operation, time,
// manager, apiVersion, subresource) in their object form; nil for none.
func (ms managers) encode() []any {
	if len(ms) == 0 {
		return nil
	}
	sorted := append(managers(nil), ms...)
	sort.SliceStable(sorted, func(i, j int) bool {
		p, q := sorted[i], sorted[j]
		if p.id.operation != q.id.operation {
			return p.id.operation < q.id.operation
		}
		if ps, qs := p.unixSeconds(), q.unixSeconds(); ps != qs {
			return ps < qs
		}
		if p.id.manager != q.id.manager {
			return p.id.manager < q.id.manager
		}
		if p.apiVersion != q.apiVersion {
			return p.apiVersion < q.apiVersion
		}
		return p.id.subresource < q.id.subresource
	})
	out := make([]any, len(sorted))
	for i, e := range sorted {
		m := make(map[string]any, 7)
		if e.id.manager != "" {
			m["manager"] = e.id.manager
		}
		m["operation"] = e.id.operation
		m["apiVersion"] = e.apiVersion
		if e.time != "" {
			m["time"] = e.time
		}
		m["fieldsType"] = "FieldsV1"
		if e.raw != nil && equalSets(e.set, e.decoded) {
			m["fieldsV1"] = copyMap(e.raw)
		} else {
			m["fieldsV1"] = encodeFieldsV1Raw(e.set)
		}
		if e.id.subresource != "" {
			m["subresource"] = e.id.subresource
		}
		out[i] = m
	}
	return out
}

// setManagedFields stores the entries in obj's metadata, or removes the
// field when there are none.
func setManagedFields(obj map[string]any, ms managers) {
	md := metadataOf(obj)
	if md == nil {
		if len(ms) == 0 {
			return
		}
		md = map[string]any{}
		obj["metadata"] = md
	}
	if enc := ms.encode(); enc != nil {
		md["managedFields"] = enc
	} else {
		delete(md, "managedFields")
	}
}

// capUpdaters merges the oldest Update entries into per-version
// "ancient-changes" entries until at most max are left, as Kubernetes does.
func (ms managers) capUpdaters(max int) managers {
	var updaters []*entry
	for _, e := range ms {
		if e.id.operation == OperationUpdate {
			updaters = append(updaters, e)
		}
	}
	if len(updaters) <= max {
		return ms
	}
	sort.SliceStable(updaters, func(i, j int) bool {
		if ti, tj := updaters[i].unixSeconds(), updaters[j].unixSeconds(); ti != tj {
			return ti < tj
		}
		return updaters[i].id.String() < updaters[j].id.String()
	})
	first := map[string]*entry{} // the first updater seen at each version
	remove := func(e *entry) {
		for i, x := range ms {
			if x == e {
				ms = append(ms[:i], ms[i+1:]...)
				return
			}
		}
	}
	length := len(updaters)
	for _, u := range updaters {
		if length <= max {
			break
		}
		f, seen := first[u.apiVersion]
		if !seen {
			first[u.apiVersion] = u
			continue
		}
		bucketID := managerID{manager: AncientChanges, operation: OperationUpdate, apiVersion: u.apiVersion}
		bucket := ms.find(bucketID)
		if bucket == nil {
			remove(f)
			bucket = &entry{id: bucketID, apiVersion: u.apiVersion, set: f.set, time: f.time}
			ms = append(ms, bucket)
		}
		bucket.set = union(u.set, bucket.set)
		bucket.time = u.time
		remove(u)
		length--
	}
	return ms
}
