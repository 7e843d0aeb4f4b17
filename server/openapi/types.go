package openapi

import (
	"reflect"

	"kctl.dev/kctl/api/appsv1"
	"kctl.dev/kctl/api/coordinationv1"
	"kctl.dev/kctl/api/corev1"
	"kctl.dev/kctl/api/rbacv1"
)

// TypeKey is the key of a kind in the types map New takes: "group/version/Kind",
// with an empty group for the core group ("/v1/Pod").
func TypeKey(group, version, kind string) string {
	return group + "/" + version + "/" + kind
}

// BuiltinTypes returns the Go type of every built-in kind (server/kinds.Builtin),
// plus Binding, the kind of the pods/binding subresource.
func BuiltinTypes() map[string]reflect.Type {
	rbac := rbacv1.GroupName
	return map[string]reflect.Type{
		TypeKey("", "v1", "Namespace"):                reflect.TypeFor[corev1.Namespace](),
		TypeKey("", "v1", "Pod"):                      reflect.TypeFor[corev1.Pod](),
		TypeKey("", "v1", "Node"):                     reflect.TypeFor[corev1.Node](),
		TypeKey("", "v1", "Service"):                  reflect.TypeFor[corev1.Service](),
		TypeKey("", "v1", "ConfigMap"):                reflect.TypeFor[corev1.ConfigMap](),
		TypeKey("", "v1", "Secret"):                   reflect.TypeFor[corev1.Secret](),
		TypeKey("", "v1", "Event"):                    reflect.TypeFor[corev1.Event](),
		TypeKey("", "v1", "Binding"):                  reflect.TypeFor[corev1.Binding](),
		TypeKey("coordination.k8s.io", "v1", "Lease"): reflect.TypeFor[coordinationv1.Lease](),
		TypeKey("apps", "v1", "Deployment"):           reflect.TypeFor[appsv1.Deployment](),
		TypeKey(rbac, "v1", "Role"):                   reflect.TypeFor[rbacv1.Role](),
		TypeKey(rbac, "v1", "ClusterRole"):            reflect.TypeFor[rbacv1.ClusterRole](),
		TypeKey(rbac, "v1", "RoleBinding"):            reflect.TypeFor[rbacv1.RoleBinding](),
		TypeKey(rbac, "v1", "ClusterRoleBinding"):     reflect.TypeFor[rbacv1.ClusterRoleBinding](),
	}
}
