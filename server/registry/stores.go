package registry

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	apierrors "kctl.dev/kctl/api/errors"
	"kctl.dev/kctl/api/unstructured"
	"kctl.dev/kctl/server/storage"
)

// Stores hands out one Store per registered kind over one storage backend.
type Stores struct {
	reg *Registry
	kv  storage.Interface
	now func() time.Time

	mu     sync.Mutex
	stores map[*Kind]*Store
}

// NewStores returns the stores of reg's kinds over kv.
func NewStores(reg *Registry, kv storage.Interface) *Stores {
	return &Stores{reg: reg, kv: kv, now: time.Now, stores: map[*Kind]*Store{}}
}

// For returns the store of k.
func (ss *Stores) For(k *Kind) *Store {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if s, ok := ss.stores[k]; ok {
		return s
	}
	s := &Store{kind: k, kv: ss.kv, prefix: KeyPrefix(k), stores: ss, now: ss.now}
	ss.stores[k] = s
	return s
}

// KeyPrefix returns the storage prefix of a kind: /registry/RESOURCE/ for the core
// group, /registry/GROUP/RESOURCE/ otherwise.
func KeyPrefix(k *Kind) string {
	if k.Group == "" {
		return "/registry/" + k.Resource + "/"
	}
	return "/registry/" + k.Group + "/" + k.Resource + "/"
}

// Namespaces returns the store of core/v1 namespaces, or nil when not registered.
func (ss *Stores) Namespaces() *Store {
	k, ok := ss.reg.Lookup("", "v1", "namespaces")
	if !ok {
		return nil
	}
	return ss.For(k)
}

// namespaceAccepts checks that ns exists and is not being deleted.
func (ss *Stores) namespaceAccepts(ctx context.Context, ns string) error {
	if ns == "" {
		return apierrors.NewBadRequest("a namespace is required for a namespaced resource")
	}
	nss := ss.Namespaces()
	if nss == nil {
		return nil
	}
	o, err := nss.Get(ctx, "", ns)
	if err != nil {
		return err
	}
	// Only the deletion mark matters: decode just that, on every create.
	var mark struct {
		Metadata struct {
			DeletionTimestamp string `json:"deletionTimestamp"`
		} `json:"metadata"`
	}
	if err := json.Unmarshal(o.Raw, &mark); err != nil {
		return apierrors.NewInternalError(err)
	}
	if mark.Metadata.DeletionTimestamp != "" {
		return apierrors.NewForbidden("", "", ns,
			fmt.Sprintf("unable to create new content in namespace %s because it is being terminated", ns))
	}
	return nil
}

// EnsureNamespace creates namespace name if it does not exist.
func (ss *Stores) EnsureNamespace(ctx context.Context, name string) error {
	nss := ss.Namespaces()
	if nss == nil {
		return errors.New("registry: namespaces are not registered")
	}
	obj := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "v1", "kind": "Namespace",
		"metadata": map[string]any{"name": name},
	}}
	_, err := nss.Create(ctx, "", obj, WriteOptions{})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("create namespace %s: %w", name, err)
	}
	return nil
}
