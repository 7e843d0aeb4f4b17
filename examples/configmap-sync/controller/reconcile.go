package controller

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"

	"kctl.dev/kctl/api/corev1"
	apierrors "kctl.dev/kctl/api/errors"
	"kctl.dev/kctl/api/meta"
	"kctl.dev/kctl/cache"
	"kctl.dev/kctl/client"
	"kctl.dev/kctl/labels"
)

// reconcile brings the copies of the source named key in line with it, from
// the informers' caches: a copy in every enabled namespace if the source
// exists and is labelled, no copy anywhere else. It returns an error to be
// retried; a conflict is not one (the ConfigMap in the way is not ours to
// change, and its deletion queues key again).
func (ctl *controller) reconcile(ctx context.Context, key string) error {
	ns, name, err := cache.SplitKey(key)
	if err != nil {
		ctl.log.Error("dropping bad key", "key", key, "err", err)
		return nil
	}
	src, ok := ctl.cmInformer.Lister().Namespace(ns).Get(name)
	wanted := ok && ns == ctl.opts.SourceNamespace &&
		src.Labels[SourceLabel] == SourceValue && src.DeletionTimestamp == nil

	targets := map[string]bool{}
	if wanted {
		sel := labels.SelectorFromSet(labels.Set{NamespaceLabel: NamespaceValue})
		for _, target := range ctl.nsInformer.Lister().List(sel) {
			if enabled(target) && target.Name != ns {
				targets[target.Name] = true
			}
		}
	}

	var errs []error
	for _, target := range slices.Sorted(maps.Keys(targets)) {
		if err := ctl.ensureCopy(ctx, key, src, target); err != nil {
			errs = append(errs, err)
		}
	}
	for _, cp := range ctl.cmInformer.Indexer().ByIndex(bySource, key) {
		if !targets[cp.Namespace] {
			errs = append(errs, ctl.deleteCopy(ctx, cp))
		}
	}
	return errors.Join(errs...)
}

// ensureCopy creates or updates the copy of src (named key) in namespace ns.
func (ctl *controller) ensureCopy(ctx context.Context, key string, src *corev1.ConfigMap, ns string) error {
	cms := ctl.configMaps.Namespace(ns)
	existing, ok := ctl.cmInformer.Lister().Namespace(ns).Get(src.Name)
	if !ok {
		_, err := cms.Create(ctx, copyOf(key, src, ns), client.WriteOptions{})
		if err != nil {
			return fmt.Errorf("create %s/%s: %w", ns, src.Name, err)
		}
		ctl.log.Info("created copy", "namespace", ns, "name", src.Name, "source", key)
		return nil
	}
	if existing.Annotations[SourceAnnotation] != key {
		c := Conflict{Namespace: ns, Name: src.Name, Source: key}
		ctl.log.Warn("conflict: leaving alone a ConfigMap that is not a copy",
			"namespace", ns, "name", src.Name, "source", key)
		if ctl.opts.OnConflict != nil {
			ctl.opts.OnConflict(c)
		}
		return nil
	}
	if sameContent(existing, src) {
		return nil
	}
	if isTrue(existing.Immutable) {
		// An immutable copy cannot be changed, only replaced: delete it
		// now, and its deletion queues key again to create the new one.
		return ctl.deleteCopy(ctx, existing)
	}
	// Never modify the cached object: build the update from a copy of its
	// metadata. Its resourceVersion makes the update fail (and be retried)
	// if the copy changed since the cache saw it.
	upd := copyOf(key, src, ns)
	upd.ObjectMeta = existing.ObjectMeta
	upd.Labels = maps.Clone(existing.Labels)
	upd.Annotations = maps.Clone(existing.Annotations)
	if _, err := cms.Update(ctx, upd, client.WriteOptions{}); err != nil {
		return fmt.Errorf("update %s/%s: %w", ns, src.Name, err)
	}
	ctl.log.Info("updated copy", "namespace", ns, "name", src.Name, "source", key)
	return nil
}

// deleteCopy deletes cp, only if it is still the object the cache knows.
func (ctl *controller) deleteCopy(ctx context.Context, cp *corev1.ConfigMap) error {
	uid, rv := cp.UID, cp.ResourceVersion
	err := ctl.configMaps.Namespace(cp.Namespace).Delete(ctx, cp.Name, meta.DeleteOptions{
		Preconditions: &meta.Preconditions{UID: &uid, ResourceVersion: &rv},
	})
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("delete %s/%s: %w", cp.Namespace, cp.Name, err)
	}
	ctl.log.Info("deleted copy", "namespace", cp.Namespace, "name", cp.Name,
		"source", cp.Annotations[SourceAnnotation])
	return nil
}

// copyOf returns a new copy of src (named key) for namespace ns.
func copyOf(key string, src *corev1.ConfigMap, ns string) *corev1.ConfigMap {
	return &corev1.ConfigMap{
		ObjectMeta: meta.ObjectMeta{
			Name:        src.Name,
			Namespace:   ns,
			Annotations: map[string]string{SourceAnnotation: key},
		},
		Immutable:  src.Immutable,
		Data:       maps.Clone(src.Data),
		BinaryData: maps.Clone(src.BinaryData),
	}
}

// sameContent reports whether the copy cp holds what src holds.
func sameContent(cp, src *corev1.ConfigMap) bool {
	return maps.Equal(cp.Data, src.Data) &&
		maps.EqualFunc(cp.BinaryData, src.BinaryData, slices.Equal) &&
		isTrue(cp.Immutable) == isTrue(src.Immutable)
}

func isTrue(b *bool) bool { return b != nil && *b }
