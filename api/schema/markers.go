package schema

import (
	"reflect"

	"kctl.dev/kctl/api/appsv1"
	"kctl.dev/kctl/api/corev1"
	"kctl.dev/kctl/api/meta"
)

// marker is the list and patch metadata of one field, as Kubernetes declares it
// with +listType, +listMapKey, +patchStrategy and +patchMergeKey.
type marker struct {
	listType      string   // "map", "set" or "atomic"
	listMapKeys   []string // for listType map
	patchStrategy string   // "merge", "merge,retainKeys", "retainKeys"
	patchMergeKey string
	mapType       string // "atomic" for a struct or map field replaced as a whole
}

// fieldKey names a field: its struct type and Go field name.
type fieldKey struct {
	typ   reflect.Type
	field string
}

func key[T any](field string) fieldKey {
	return fieldKey{reflect.TypeFor[T](), field}
}

// fieldMarkers is every field marker of the built-in types, as the Kubernetes
// types declare them.
var fieldMarkers = map[fieldKey]marker{
	key[corev1.PodSpec]("Containers"):          {listType: "map", listMapKeys: []string{"name"}, patchStrategy: "merge", patchMergeKey: "name"},
	key[corev1.PodSpec]("InitContainers"):      {listType: "map", listMapKeys: []string{"name"}, patchStrategy: "merge", patchMergeKey: "name"},
	key[corev1.PodSpec]("Volumes"):             {listType: "map", listMapKeys: []string{"name"}, patchStrategy: "merge,retainKeys", patchMergeKey: "name"},
	key[corev1.PodSpec]("ImagePullSecrets"):    {listType: "map", listMapKeys: []string{"name"}, patchStrategy: "merge", patchMergeKey: "name"},
	key[corev1.PodSpec]("HostAliases"):         {listType: "map", listMapKeys: []string{"ip"}, patchStrategy: "merge", patchMergeKey: "ip"},
	key[corev1.PodSpec]("Tolerations"):         {listType: "atomic"},
	key[corev1.Container]("Ports"):             {listType: "map", listMapKeys: []string{"containerPort", "protocol"}, patchStrategy: "merge", patchMergeKey: "containerPort"},
	key[corev1.Container]("Env"):               {listType: "map", listMapKeys: []string{"name"}, patchStrategy: "merge", patchMergeKey: "name"},
	key[corev1.Container]("EnvFrom"):           {listType: "atomic"},
	key[corev1.Container]("VolumeMounts"):      {listType: "map", listMapKeys: []string{"mountPath"}, patchStrategy: "merge", patchMergeKey: "mountPath"},
	key[corev1.PodStatus]("Conditions"):        {listType: "map", listMapKeys: []string{"type"}, patchStrategy: "merge", patchMergeKey: "type"},
	key[corev1.ServiceSpec]("Ports"):           {listType: "map", listMapKeys: []string{"port", "protocol"}, patchStrategy: "merge", patchMergeKey: "port"},
	key[corev1.NodeSpec]("Taints"):             {listType: "atomic"},
	key[corev1.NodeStatus]("Conditions"):       {patchStrategy: "merge", patchMergeKey: "type"},
	key[corev1.NodeStatus]("Addresses"):        {patchStrategy: "merge", patchMergeKey: "type"},
	key[corev1.NamespaceStatus]("Conditions"):  {patchStrategy: "merge", patchMergeKey: "type"},
	key[appsv1.DeploymentSpec]("Strategy"):     {patchStrategy: "retainKeys"},
	key[appsv1.DeploymentStatus]("Conditions"): {listType: "map", listMapKeys: []string{"type"}, patchStrategy: "merge", patchMergeKey: "type"},
	key[meta.ObjectMeta]("Finalizers"):         {listType: "set", patchStrategy: "merge"},
	key[meta.ObjectMeta]("OwnerReferences"):    {listType: "map", listMapKeys: []string{"uid"}, patchStrategy: "merge", patchMergeKey: "uid"},
	key[meta.ObjectMeta]("ManagedFields"):      {listType: "atomic"},
}

// typeMarkers are struct types replaced as a whole (+structType=atomic).
var typeMarkers = map[reflect.Type]string{}

// apply sets m on s, the schema of the field m belongs to.
func (m marker) apply(s *Schema) {
	if m.listType != "" {
		s.ListType = m.listType
	}
	if len(m.listMapKeys) > 0 {
		s.ListMapKeys = append([]string(nil), m.listMapKeys...)
	}
	if m.patchStrategy != "" {
		s.PatchStrategy = m.patchStrategy
	}
	if m.patchMergeKey != "" {
		s.PatchMergeKey = m.patchMergeKey
	}
	if m.mapType != "" {
		s.MapType = m.mapType
	}
}
