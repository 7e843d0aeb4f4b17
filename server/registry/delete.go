package registry

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	apierrors "kctl.dev/kctl/api/errors"
	"kctl.dev/kctl/api/meta"
	"kctl.dev/kctl/api/unstructured"
	"kctl.dev/kctl/server/storage"
)

// DeleteOptions shape Delete.
type DeleteOptions struct {
	WriteOptions
	// GracePeriodSeconds is the caller's requested grace period (nil: the kind's
	// default). 0 deletes at once, even a pod bound to a node.
	GracePeriodSeconds *int64
	// Preconditions that must hold: uid and/or resourceVersion.
	UID             string
	ResourceVersion string
}

// Delete deletes ns/name. An object with finalizers, or that the kind deletes
// gracefully, is only marked (deletionTimestamp set) and returned with deleted
// false; it goes when its finalizers are removed, or when deleted again with a
// grace period of 0. Otherwise it is removed and returned with deleted true.
func (s *Store) Delete(ctx context.Context, ns, name string, opts DeleteOptions) (*Object, bool, error) {
	if opts.GracePeriodSeconds != nil && *opts.GracePeriodSeconds < 0 {
		zero := int64(0)
		opts.GracePeriodSeconds = &zero
	}
	for {
		kv, err := s.kv.Get(ctx, s.key(ns, name))
		if errors.Is(err, storage.ErrNotFound) {
			return nil, false, s.notFound(name)
		}
		if err != nil {
			return nil, false, s.internal(err)
		}
		obj, err := unstructured.Decode(kv.Value)
		if err != nil {
			return nil, false, s.internal(err)
		}
		rv := strconv.FormatInt(kv.ModRevision, 10)
		obj.SetResourceVersion(rv)
		if opts.UID != "" && opts.UID != obj.UID() {
			return nil, false, s.conflict(name, fmt.Sprintf("Precondition failed: UID in precondition: %s, UID in object meta: %s", opts.UID, obj.UID()))
		}
		if opts.ResourceVersion != "" && opts.ResourceVersion != rv {
			return nil, false, s.conflict(name, fmt.Sprintf("Precondition failed: ResourceVersion in precondition: %s, ResourceVersion in object meta: %s", opts.ResourceVersion, rv))
		}
		marked, mark := s.markForDeletion(obj, opts.GracePeriodSeconds)
		if opts.DryRun {
			return objectFrom(obj, kv.Value, kv.ModRevision), false, nil
		}
		if mark {
			stored, err := encodeStored(marked)
			if err != nil {
				return nil, false, s.internal(err)
			}
			if string(stored) == string(kv.Value) {
				return newObject(kv.Value, kv.ModRevision), false, nil
			}
			newRev, err := s.kv.Update(ctx, kv.Key, stored, kv.ModRevision)
			if errors.Is(err, storage.ErrConflict) || errors.Is(err, storage.ErrNotFound) {
				continue
			}
			if err != nil {
				return nil, false, s.internal(err)
			}
			if !finalized(marked) {
				return objectFrom(marked, stored, newRev), false, nil
			}
			// Watchers saw the object marked; now it goes.
			kv = &storage.KeyValue{Key: kv.Key, Value: stored, ModRevision: newRev}
			obj = marked
		}
		rev, _, err := s.kv.Delete(ctx, kv.Key, kv.ModRevision)
		if errors.Is(err, storage.ErrConflict) || errors.Is(err, storage.ErrNotFound) {
			if errors.Is(err, storage.ErrNotFound) && mark {
				return nil, false, s.notFound(name)
			}
			continue
		}
		if err != nil {
			return nil, false, s.internal(err)
		}
		return objectFrom(obj, kv.Value, rev), true, nil
	}
}

// markForDeletion returns obj as it should be stored before (or instead of) its
// removal, and whether that write is needed. The object is removed right after
// the write when finalized(marked) holds.
func (s *Store) markForDeletion(obj *unstructured.Unstructured, requested *int64) (*unstructured.Unstructured, bool) {
	now := s.now()
	marked := obj.DeepCopy()
	md := marked.Metadata()
	if obj.DeletionTimestamp() != "" {
		// Already being deleted: only a shorter grace period changes anything.
		cur, hasGrace := md["deletionGracePeriodSeconds"]
		if requested == nil || !hasGrace || *requested >= unstructured.Int64(cur) {
			return marked, false
		}
		md["deletionGracePeriodSeconds"] = jsonInt(*requested)
		marked.SetTimestamp("deletionTimestamp", meta.NewTime(now.Add(time.Duration(*requested)*time.Second)))
		return marked, true
	}
	held := len(obj.Finalizers()) > 0 || (obj.Kind() == "Namespace" && len(unstructured.NestedSlice(obj.Object, "spec", "finalizers")) > 0)
	grace, graceful := int64(0), false
	if s.kind.GracefulDelete != nil {
		grace, graceful = s.kind.GracefulDelete(obj, requested)
	}
	if !held && s.kind.GracefulDelete == nil {
		return marked, false // plain delete
	}
	// Kinds with graceful deletion are always marked first, even when the grace
	// period is 0: watchers see the deletionTimestamp, then the delete.
	if !graceful {
		grace = 0
	}
	marked.SetTimestamp("deletionTimestamp", meta.NewTime(now.Add(time.Duration(grace)*time.Second)))
	md["deletionGracePeriodSeconds"] = jsonInt(grace)
	marked.SetGeneration(obj.Generation() + 1)
	if s.kind.PrepareForDelete != nil {
		s.kind.PrepareForDelete(marked)
	}
	return marked, true
}

func jsonInt(i int64) any {
	return json.Number(strconv.FormatInt(i, 10))
}

// DeleteCollection deletes every object of ns (all namespaces when "") matched by
// sel, and returns those it deleted or marked.
func (s *Store) DeleteCollection(ctx context.Context, ns string, sel Selection, opts DeleteOptions) ([]*Object, error) {
	list, err := s.List(ctx, ns, ListOptions{Selection: sel})
	if err != nil {
		return nil, err
	}
	var out []*Object
	for _, item := range list.Items {
		u, err := item.Unstructured()
		if err != nil {
			return out, s.internal(err)
		}
		o, _, err := s.Delete(ctx, u.Namespace(), u.Name(), opts)
		if apierrors.IsNotFound(err) {
			continue
		}
		if err != nil {
			return out, err
		}
		out = append(out, o)
	}
	return out, nil
}
