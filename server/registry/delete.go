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
		marked, action := s.deletionAction(obj, opts.GracePeriodSeconds)
		if opts.DryRun || action == keepAsIs {
			return newObject(kv.Value, kv.ModRevision), false, nil
		}
		if action == markFirst {
			stored, err := encodeStored(marked)
			if err != nil {
				return nil, false, s.internal(err)
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
			continue // changed under us: decide again on the new state
		}
		if err != nil {
			return nil, false, s.internal(err)
		}
		return objectFrom(obj, kv.Value, rev), true, nil
	}
}

// deletion is what a delete request does to an object.
type deletion int

const (
	keepAsIs  deletion = iota // already being deleted; nothing to change
	markFirst                 // store the marked object, then remove it if finalized
	removeNow                 // remove without marking
)

// deletionAction decides what deleting obj does, and returns the object as it
// should be stored when it is to be marked.
func (s *Store) deletionAction(obj *unstructured.Unstructured, requested *int64) (*unstructured.Unstructured, deletion) {
	now := s.now()
	marked := obj.DeepCopy()
	md := marked.Metadata()
	if obj.DeletionTimestamp() != "" {
		// Already being deleted: only a shorter grace period changes anything.
		cur, hasGrace := md["deletionGracePeriodSeconds"]
		if requested == nil || !hasGrace || *requested >= unstructured.Int64(cur) {
			return marked, keepAsIs
		}
		md["deletionGracePeriodSeconds"] = jsonInt(*requested)
		marked.SetTimestamp("deletionTimestamp", meta.NewTime(now.Add(time.Duration(*requested)*time.Second)))
		return marked, markFirst
	}
	held := len(obj.Finalizers()) > 0 || (obj.Kind() == "Namespace" && len(unstructured.NestedSlice(obj.Object, "spec", "finalizers")) > 0)
	if !held && s.kind.GracefulDelete == nil {
		return marked, removeNow
	}
	// Kinds with graceful deletion are always marked first, even when the grace
	// period is 0: watchers see the deletionTimestamp, then the delete.
	grace, graceful := int64(0), false
	if s.kind.GracefulDelete != nil {
		grace, graceful = s.kind.GracefulDelete(obj, requested)
	}
	if !graceful {
		grace = 0
	}
	marked.SetTimestamp("deletionTimestamp", meta.NewTime(now.Add(time.Duration(grace)*time.Second)))
	md["deletionGracePeriodSeconds"] = jsonInt(grace)
	marked.SetGeneration(obj.Generation() + 1)
	if s.kind.PrepareForDelete != nil {
		s.kind.PrepareForDelete(marked)
	}
	return marked, markFirst
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
