package kinds

import (
	"time"

	"kctl.dev/kctl/api/corev1"
	"kctl.dev/kctl/api/meta"
	"kctl.dev/kctl/api/unstructured"
	"kctl.dev/kctl/api/validation"
	"kctl.dev/kctl/server/registry"
)

// labelMetadataName is the label every namespace carries with its own name.
const labelMetadataName = "kubernetes.io/metadata.name"

func namespaces() *registry.Kind {
	return &registry.Kind{
		Version:      "v1",
		Resource:     "namespaces",
		Kind:         "Namespace",
		ShortNames:   []string{"ns"},
		Subresources: []registry.Subresource{statusSubresource("Namespace")},
		Fields: map[string]registry.FieldFunc{
			"status.phase": field("status", "phase"),
		},
		Columns: []meta.TableColumnDefinition{
			nameColumn(),
			column("Status", "string", 0, "The status of the namespace"),
			ageColumn(),
		},
		Cells:            namespaceCells,
		ValidateName:     validation.IsDNS1123Label,
		Default:          defaultNamespace,
		PrepareForCreate: prepareNamespaceForCreate,
		PrepareForDelete: func(obj *unstructured.Unstructured) {
			child(obj.Object, "status")["phase"] = corev1.NamespaceTerminating
		},
		Validate: validateNamespace,
		Status:   true,
	}
}

func namespaceCells(obj *unstructured.Unstructured, now time.Time) []any {
	phase := str(obj.Object, "status", "phase")
	if obj.DeletionTimestamp() != "" {
		phase = corev1.NamespaceTerminating
	}
	return []any{obj.Name(), phase, age(obj, now)}
}

// defaultNamespace labels a namespace with its name, as the real server does.
func defaultNamespace(obj *unstructured.Unstructured) {
	name := obj.Name()
	if name == "" {
		return
	}
	md := obj.Metadata()
	labels, ok := md["labels"].(map[string]any)
	if !ok {
		labels = map[string]any{}
		md["labels"] = labels
	}
	labels[labelMetadataName] = name
}

// prepareNamespaceForCreate makes a new namespace Active and holds it with the
// "kubernetes" finalizer until the namespace controller has emptied it.
func prepareNamespaceForCreate(obj *unstructured.Unstructured) {
	defaultNamespace(obj) // the name may only now be known (generateName)
	obj.Object["status"] = map[string]any{"phase": corev1.NamespaceActive}
	spec := child(obj.Object, "spec")
	fins, _ := spec["finalizers"].([]any)
	for _, f := range fins {
		if f == corev1.FinalizerKubernetes {
			return
		}
	}
	spec["finalizers"] = append(fins, corev1.FinalizerKubernetes)
}

func validateNamespace(obj *unstructured.Unstructured) validation.ErrorList {
	var errs validation.ErrorList
	for i, f := range stringList(obj.Object, "spec", "finalizers") {
		if f == corev1.FinalizerKubernetes {
			continue
		}
		errs = checkName(errs, validation.Index("spec.finalizers", i), f, validation.IsQualifiedName)
	}
	return errs
}
