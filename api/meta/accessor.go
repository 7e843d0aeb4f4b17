package meta

// Object is what every stored kind offers, typed or not: its identity and
// metadata. Typed kinds get it by embedding ObjectMeta; unstructured objects
// implement it on their map. Caches, informers and clients work on it.
type Object interface {
	GetName() string
	GetNamespace() string
	GetUID() string
	GetResourceVersion() string
	SetResourceVersion(string)
	GetLabels() map[string]string
	GetAnnotations() map[string]string
	GetDeletionTimestamp() *Time
}

// GetName returns the name.
func (m *ObjectMeta) GetName() string { return m.Name }

// GetNamespace returns the namespace ("" for cluster-scoped objects).
func (m *ObjectMeta) GetNamespace() string { return m.Namespace }

// GetUID returns the uid.
func (m *ObjectMeta) GetUID() string { return m.UID }

// GetResourceVersion returns the resourceVersion.
func (m *ObjectMeta) GetResourceVersion() string { return m.ResourceVersion }

// SetResourceVersion sets the resourceVersion.
func (m *ObjectMeta) SetResourceVersion(rv string) { m.ResourceVersion = rv }

// GetLabels returns the labels.
func (m *ObjectMeta) GetLabels() map[string]string { return m.Labels }

// GetAnnotations returns the annotations.
func (m *ObjectMeta) GetAnnotations() map[string]string { return m.Annotations }

// GetDeletionTimestamp returns when deletion was requested, or nil.
func (m *ObjectMeta) GetDeletionTimestamp() *Time { return m.DeletionTimestamp }
