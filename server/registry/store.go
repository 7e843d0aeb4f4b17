package registry

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"time"

	"github.com/google/uuid"

	apierrors "kctl.dev/kctl/api/errors"
	"kctl.dev/kctl/api/meta"
	"kctl.dev/kctl/api/schema"
	"kctl.dev/kctl/api/unstructured"
	"kctl.dev/kctl/api/validation"
	"kctl.dev/kctl/server/storage"
)

// Store implements one kind's REST semantics on top of storage.
type Store struct {
	kind   *Kind
	kv     storage.Interface
	prefix string
	stores *Stores
	now    func() time.Time
}

// Kind returns the kind this store serves.
func (s *Store) Kind() *Kind { return s.kind }

// Prefix returns the storage prefix of the kind in namespace ns ("" for all).
func (s *Store) Prefix(ns string) string {
	if ns == "" || !s.kind.Namespaced {
		return s.prefix
	}
	return s.prefix + ns + "/"
}

func (s *Store) key(ns, name string) string {
	if s.kind.Namespaced {
		return s.prefix + ns + "/" + name
	}
	return s.prefix + name
}

func (s *Store) notFound(name string) error {
	return apierrors.NewNotFound(s.kind.Group, s.kind.Resource, name)
}

func (s *Store) conflict(name, why string) error {
	return apierrors.NewConflict(s.kind.Group, s.kind.Resource, name, why)
}

func (s *Store) invalid(name string, errs validation.ErrorList) error {
	return apierrors.NewInvalid(s.kind.Group, s.kind.Kind, name, errs)
}

func (s *Store) internal(err error) error {
	var se *apierrors.StatusError
	if errors.As(err, &se) {
		return err
	}
	return apierrors.NewInternalError(err)
}

// Get returns the latest state of ns/name.
func (s *Store) Get(ctx context.Context, ns, name string) (*Object, error) {
	kv, err := s.kv.Get(ctx, s.key(ns, name))
	if errors.Is(err, storage.ErrNotFound) {
		return nil, s.notFound(name)
	}
	if err != nil {
		return nil, s.internal(err)
	}
	return newObject(kv.Value, kv.ModRevision), nil
}

// WriteOptions are the options every write takes.
type WriteOptions struct {
	// DryRun validates and answers without storing.
	DryRun bool
	// Manage records field ownership (metadata.managedFields) of a write: it
	// is called with the object about to be stored, defaulted, and the stored
	// one (nil on create), and may change obj's managedFields. Nil leaves them
	// as they are (server-side apply records them itself).
	Manage func(old, obj *unstructured.Unstructured) error
}

const generateNameChars = "bcdfghjklmnpqrstvwxz2456789"

func randomSuffix() string {
	var b [5]byte
	_, _ = rand.Read(b[:])
	for i := range b {
		b[i] = generateNameChars[int(b[i])%len(generateNameChars)]
	}
	return string(b[:])
}

// Create stores obj, a new object of this kind in namespace ns (ignored for
// cluster-scoped kinds). The caller has checked apiVersion and kind.
func (s *Store) Create(ctx context.Context, ns string, obj *unstructured.Unstructured, opts WriteOptions) (*Object, error) {
	if err := s.prepareCreate(ctx, ns, obj); err != nil {
		return nil, err
	}
	s.dropEmpty(obj)
	if opts.Manage != nil {
		if err := opts.Manage(nil, obj); err != nil {
			return nil, err
		}
	}
	generate := obj.Name() == "" && obj.GenerateName() != ""
	for attempt := 0; ; attempt++ {
		if generate {
			prefix := obj.GenerateName()
			if len(prefix) > 58 {
				prefix = prefix[:58]
			}
			obj.SetName(prefix + randomSuffix())
		}
		stored, err := encodeStored(obj)
		if err != nil {
			return nil, s.internal(err)
		}
		if errs := s.validateCreate(obj.WithJSON(withoutManagedFields(stored))); len(errs) > 0 {
			return nil, s.invalid(obj.Name(), errs)
		}
		if opts.DryRun {
			if _, err := s.kv.Get(ctx, s.key(ns, obj.Name())); err == nil {
				return nil, apierrors.NewAlreadyExists(s.kind.Group, s.kind.Resource, obj.Name())
			}
			return objectFrom(obj, stored, 0), nil
		}
		rev, err := s.kv.Create(ctx, s.key(obj.Namespace(), obj.Name()), stored)
		if errors.Is(err, storage.ErrExists) {
			if generate && attempt < 7 {
				continue
			}
			return nil, apierrors.NewAlreadyExists(s.kind.Group, s.kind.Resource, obj.Name())
		}
		if err != nil {
			return nil, s.internal(err)
		}
		return objectFrom(obj, stored, rev), nil
	}
}

func (s *Store) prepareCreate(ctx context.Context, ns string, obj *unstructured.Unstructured) error {
	if s.kind.Namespaced {
		if bodyNS := obj.Namespace(); bodyNS != "" && bodyNS != ns {
			return apierrors.NewBadRequest("the namespace of the provided object does not match the namespace sent on the request")
		}
		obj.SetNamespace(ns)
		if err := s.stores.namespaceAccepts(ctx, ns); err != nil {
			return err
		}
	} else {
		obj.SetNamespace("")
	}
	if obj.Name() == "" && obj.GenerateName() == "" {
		return s.invalid("", validation.ErrorList{validation.Required("metadata.name", "name or generateName is required")})
	}
	md := obj.Metadata()
	delete(md, "resourceVersion")
	delete(md, "selfLink")
	delete(md, "deletionTimestamp")
	delete(md, "deletionGracePeriodSeconds")
	obj.SetUID(uuid.NewString())
	obj.SetTimestamp("creationTimestamp", meta.NewTime(s.now()))
	obj.SetGeneration(1)
	if s.kind.Default != nil {
		s.kind.Default(obj)
	}
	if s.kind.PrepareForCreate != nil {
		s.kind.PrepareForCreate(obj)
	}
	return nil
}

func (s *Store) validateCreate(obj *unstructured.Unstructured) validation.ErrorList {
	errs := s.validateMeta(obj)
	if s.kind.Validate != nil {
		errs = append(errs, s.kind.Validate(obj)...)
	}
	return errs
}

func (s *Store) validateMeta(obj *unstructured.Unstructured) validation.ErrorList {
	var errs validation.ErrorList
	nameFn := s.kind.ValidateName
	if nameFn == nil {
		nameFn = validation.IsDNS1123Subdomain
	}
	if name := obj.Name(); name != "" {
		for _, m := range nameFn(name) {
			errs = append(errs, validation.Invalid("metadata.name", name, m))
		}
	}
	md := obj.Metadata()
	for _, f := range []string{"labels", "annotations"} {
		if v, ok := md[f]; ok && v != nil {
			m, ok := v.(map[string]any)
			if !ok {
				errs = append(errs, validation.Invalid("metadata."+f, v, "must be an object of strings"))
				continue
			}
			for k, e := range m {
				if _, ok := e.(string); !ok {
					errs = append(errs, validation.Invalid("metadata."+f+"["+k+"]", e, "must be a string"))
				}
			}
		}
	}
	errs = append(errs, validation.ValidateLabels(obj.Labels(), "metadata.labels")...)
	errs = append(errs, validation.ValidateAnnotations(obj.Annotations(), "metadata.annotations")...)
	return errs
}

// TryUpdate computes the new state of an object from its current state. It may
// modify current (a private copy) and return it. Returning an error aborts.
type TryUpdate func(current *unstructured.Unstructured) (*unstructured.Unstructured, error)

// UpdateOptions shape GuaranteedUpdate.
type UpdateOptions struct {
	WriteOptions
	// Subresource is "" for the main resource, "status", or the name of a
	// subresource whose Create hook made the change (e.g. "binding").
	Subresource string
}

// GuaranteedUpdate reads ns/name, applies try to it, and writes the result with a
// compare-and-swap on the revision read, retrying on a concurrent write. An object
// returned by try that carries a resourceVersion must match the one read (else 409
// Conflict): that is how updates and patches state preconditions. It returns the
// object as stored, and whether the write deleted it (finalizers done).
func (s *Store) GuaranteedUpdate(ctx context.Context, ns, name string, opts UpdateOptions, try TryUpdate) (*Object, bool, error) {
	for {
		kv, err := s.kv.Get(ctx, s.key(ns, name))
		if errors.Is(err, storage.ErrNotFound) {
			return nil, false, s.notFound(name)
		}
		if err != nil {
			return nil, false, s.internal(err)
		}
		current, err := unstructured.Decode(kv.Value)
		if err != nil {
			return nil, false, s.internal(err)
		}
		current.SetResourceVersion(strconv.FormatInt(kv.ModRevision, 10))
		old := current.DeepCopy()
		updated, err := try(current)
		if err != nil {
			return nil, false, err
		}
		if rv := updated.ResourceVersion(); rv != "" && rv != old.ResourceVersion() {
			return nil, false, s.conflict(name, apierrors.ConflictModified)
		}
		if err := s.prepareUpdate(updated, old, opts.Subresource); err != nil {
			return nil, false, err
		}
		s.dropEmpty(updated)
		if opts.Manage != nil {
			if err := opts.Manage(old, updated); err != nil {
				return nil, false, err
			}
		}
		stored, err := encodeStored(updated)
		if err != nil {
			return nil, false, s.internal(err)
		}
		if err := s.validateUpdate(updated, old, stored); err != nil {
			return nil, false, err
		}
		if string(stored) == string(kv.Value) {
			return newObject(kv.Value, kv.ModRevision), false, nil // nothing changed
		}
		if opts.DryRun {
			return objectFrom(updated, stored, kv.ModRevision), false, nil
		}
		if finalized(updated) {
			rev, _, err := s.kv.Delete(ctx, kv.Key, kv.ModRevision)
			if errors.Is(err, storage.ErrConflict) {
				continue
			}
			if err != nil {
				return nil, false, s.internal(err)
			}
			return objectFrom(updated, stored, rev), true, nil
		}
		rev, err := s.kv.Update(ctx, kv.Key, stored, kv.ModRevision)
		if errors.Is(err, storage.ErrConflict) {
			continue // try runs again on the new state and re-checks any precondition
		}
		if errors.Is(err, storage.ErrNotFound) {
			return nil, false, s.notFound(name)
		}
		if err != nil {
			return nil, false, s.internal(err)
		}
		return objectFrom(updated, stored, rev), false, nil
	}
}

// dropEmpty leaves out the empty fields the kind's Go types omit, as a real
// server's round trip through them does.
func (s *Store) dropEmpty(obj *unstructured.Unstructured) {
	if s.kind.Schema != nil {
		schema.DropEmpty(s.kind.Schema, obj.Object)
	}
}

// finalized reports an object marked for deletion with nothing left holding it.
func finalized(obj *unstructured.Unstructured) bool {
	if obj.DeletionTimestamp() == "" || len(obj.Finalizers()) > 0 {
		return false
	}
	if len(unstructured.NestedSlice(obj.Object, "spec", "finalizers")) > 0 && obj.Kind() == "Namespace" {
		return false
	}
	grace, ok := obj.Metadata()["deletionGracePeriodSeconds"]
	return !ok || unstructured.Int64(grace) == 0
}

// prepareUpdate carries server-owned fields over from old, applies the status
// subresource rules, defaults, validates and bumps the generation.
func (s *Store) prepareUpdate(obj, old *unstructured.Unstructured, subresource string) error {
	name := old.Name()
	if obj.Name() != name {
		return apierrors.NewBadRequest(fmt.Sprintf("the name of the object (%s) does not match the name on the URL (%s)", obj.Name(), name))
	}
	if s.kind.Namespaced && obj.Namespace() != "" && obj.Namespace() != old.Namespace() {
		return apierrors.NewBadRequest("the namespace of the provided object does not match the namespace sent on the request")
	}
	if uid := obj.UID(); uid != "" && uid != old.UID() {
		return s.conflict(name, fmt.Sprintf("Precondition failed: UID in precondition: %s, UID in object meta: %s", uid, old.UID()))
	}
	if obj.APIVersion() != old.APIVersion() || obj.Kind() != old.Kind() {
		return apierrors.NewBadRequest(fmt.Sprintf("the API version and kind of the object (%s %s) do not match the ones of the resource (%s %s)",
			obj.APIVersion(), obj.Kind(), old.APIVersion(), old.Kind()))
	}
	obj.SetNamespace(old.Namespace())
	md, oldMD := obj.Metadata(), old.Metadata()
	for _, f := range []string{"uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation"} {
		if v, ok := oldMD[f]; ok {
			md[f] = v
		} else {
			delete(md, f)
		}
	}
	delete(md, "selfLink")
	if _, ok := md["managedFields"]; !ok {
		// A client that sends no managedFields keeps the recorded ones; an
		// empty list clears them, as on a real server.
		if v, ok := oldMD["managedFields"]; ok {
			md["managedFields"] = v
		}
	}
	delete(md, "generateName")
	if g, ok := oldMD["generateName"]; ok {
		md["generateName"] = g
	}
	switch {
	case subresource != "" && subresource != "status":
		// A subresource hook (pods/binding) changed exactly what it meant to,
		// status included; it is not a spec update of the object.
	case s.kind.Status:
		if subresource == "status" {
			// Only status (and labels/annotations) change through status.
			for k := range obj.Object {
				if k != "apiVersion" && k != "kind" && k != "metadata" && k != "status" {
					delete(obj.Object, k)
				}
			}
			for k, v := range old.Object {
				if k != "apiVersion" && k != "kind" && k != "metadata" && k != "status" {
					obj.Object[k] = v
				}
			}
			if v, ok := oldMD["ownerReferences"]; ok {
				md["ownerReferences"] = v
			} else {
				delete(md, "ownerReferences")
			}
		} else if st, ok := old.Object["status"]; ok {
			obj.Object["status"] = st
		} else {
			delete(obj.Object, "status")
		}
	}
	if subresource == "" && s.kind.PrepareForUpdate != nil {
		s.kind.PrepareForUpdate(obj, old)
	}
	if old.DeletionTimestamp() != "" {
		have := map[string]bool{}
		for _, f := range old.Finalizers() {
			have[f] = true
		}
		for _, f := range obj.Finalizers() {
			if !have[f] {
				return s.invalid(name, validation.ErrorList{validation.Forbidden("metadata.finalizers",
					fmt.Sprintf("no new finalizers can be added if the object is being deleted, found new finalizers []string{%q}", f))})
			}
		}
	}
	if s.kind.Default != nil {
		s.kind.Default(obj)
	}
	if subresource == "" && s.specChanged(obj, old) {
		obj.SetGeneration(old.Generation() + 1)
	}
	return nil
}

// validateUpdate checks an update of old to obj; stored is obj's encoding.
// The kinds decode obj from it without managedFields (see withoutManagedFields).
func (s *Store) validateUpdate(obj, old *unstructured.Unstructured, stored []byte) error {
	view := obj.WithJSON(withoutManagedFields(stored))
	errs := s.validateMeta(view)
	if s.kind.Validate != nil {
		errs = append(errs, s.kind.Validate(view)...)
	}
	if s.kind.ValidateUpdate != nil {
		errs = append(errs, s.kind.ValidateUpdate(view, old)...)
	}
	if len(errs) > 0 {
		return s.invalid(old.Name(), errs)
	}
	return nil
}

func (s *Store) specChanged(obj, old *unstructured.Unstructured) bool {
	if s.kind.SpecFields != nil {
		for _, f := range s.kind.SpecFields {
			if !reflect.DeepEqual(obj.Object[f], old.Object[f]) {
				return true
			}
		}
		return false
	}
	skip := func(k string) bool { return k == "apiVersion" || k == "kind" || k == "metadata" || k == "status" }
	for k, v := range obj.Object {
		if !skip(k) && !reflect.DeepEqual(v, old.Object[k]) {
			return true
		}
	}
	for k := range old.Object {
		if _, ok := obj.Object[k]; !ok && !skip(k) {
			return true
		}
	}
	return false
}

// Update replaces ns/name with obj (PUT). A resourceVersion in obj is a
// precondition; without one the update is unconditional.
func (s *Store) Update(ctx context.Context, ns, name string, obj *unstructured.Unstructured, opts UpdateOptions) (*Object, error) {
	o, _, err := s.GuaranteedUpdate(ctx, ns, name, opts, func(*unstructured.Unstructured) (*unstructured.Unstructured, error) {
		return obj.DeepCopy(), nil
	})
	return o, err
}
