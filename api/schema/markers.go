package schema

import (
	"reflect"

	"kctl.dev/kctl/api/appsv1"
	"kctl.dev/kctl/api/corev1"
	"kctl.dev/kctl/api/meta"
	"kctl.dev/kctl/api/rbacv1"
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

// fieldMarkers is every field marker of the built-in types, as Kubernetes
// v1.32 declares them (+listType, +listMapKey, +patchStrategy, +patchMergeKey
// and +mapType on map fields). A list without a listType is atomic for
// server-side apply; a list without a patch strategy is replaced by strategic
// merge patch. upstream_test.go checks this table against a snapshot of the
// upstream OpenAPI definitions: keep them in step when a type gains a list.
//
// A marker is keyed by the struct that declares the field, so the fields of an
// embedded struct (Container inside EphemeralContainer, ProbeHandler inside
// Probe) carry their markers wherever the struct is inlined.
var fieldMarkers = map[fieldKey]marker{
	// meta.k8s.io/v1: object metadata, selectors, delete options, status.
	key[meta.DeleteOptions]("DryRun"):            {listType: "atomic"},
	key[meta.LabelSelectorRequirement]("Values"): {listType: "atomic"},
	key[meta.LabelSelector]("MatchExpressions"):  {listType: "atomic"},
	key[meta.ObjectMeta]("Finalizers"):           {listType: "set", patchStrategy: "merge"},
	key[meta.ObjectMeta]("ManagedFields"):        {listType: "atomic"},
	key[meta.ObjectMeta]("OwnerReferences"):      {listType: "map", listMapKeys: []string{"uid"}, patchStrategy: "merge", patchMergeKey: "uid"},
	key[meta.StatusDetails]("Causes"):            {listType: "atomic"},

	// core/v1.
	key[corev1.Capabilities]("Add"):                                                {listType: "atomic"},
	key[corev1.Capabilities]("Drop"):                                               {listType: "atomic"},
	key[corev1.CephFSVolumeSource]("Monitors"):                                     {listType: "atomic"},
	key[corev1.ConfigMapProjection]("Items"):                                       {listType: "atomic"},
	key[corev1.ConfigMapVolumeSource]("Items"):                                     {listType: "atomic"},
	key[corev1.ContainerImage]("Names"):                                            {listType: "atomic"},
	key[corev1.ContainerStatus]("AllocatedResourcesStatus"):                        {listType: "map", listMapKeys: []string{"name"}, patchStrategy: "merge", patchMergeKey: "name"},
	key[corev1.ContainerStatus]("VolumeMounts"):                                    {listType: "map", listMapKeys: []string{"mountPath"}, patchStrategy: "merge", patchMergeKey: "mountPath"},
	key[corev1.Container]("Args"):                                                  {listType: "atomic"},
	key[corev1.Container]("Command"):                                               {listType: "atomic"},
	key[corev1.Container]("Env"):                                                   {listType: "map", listMapKeys: []string{"name"}, patchStrategy: "merge", patchMergeKey: "name"},
	key[corev1.Container]("EnvFrom"):                                               {listType: "atomic"},
	key[corev1.Container]("Ports"):                                                 {listType: "map", listMapKeys: []string{"containerPort", "protocol"}, patchStrategy: "merge", patchMergeKey: "containerPort"},
	key[corev1.Container]("ResizePolicy"):                                          {listType: "atomic"},
	key[corev1.Container]("VolumeDevices"):                                         {listType: "map", listMapKeys: []string{"devicePath"}, patchStrategy: "merge", patchMergeKey: "devicePath"},
	key[corev1.Container]("VolumeMounts"):                                          {listType: "map", listMapKeys: []string{"mountPath"}, patchStrategy: "merge", patchMergeKey: "mountPath"},
	key[corev1.DownwardAPIProjection]("Items"):                                     {listType: "atomic"},
	key[corev1.DownwardAPIVolumeSource]("Items"):                                   {listType: "atomic"},
	key[corev1.ExecAction]("Command"):                                              {listType: "atomic"},
	key[corev1.FCVolumeSource]("TargetWWNs"):                                       {listType: "atomic"},
	key[corev1.FCVolumeSource]("WWIDs"):                                            {listType: "atomic"},
	key[corev1.HTTPGetAction]("HTTPHeaders"):                                       {listType: "atomic"},
	key[corev1.HostAlias]("Hostnames"):                                             {listType: "atomic"},
	key[corev1.ISCSIVolumeSource]("Portals"):                                       {listType: "atomic"},
	key[corev1.LinuxContainerUser]("SupplementalGroups"):                           {listType: "atomic"},
	key[corev1.LoadBalancerIngress]("Ports"):                                       {listType: "atomic"},
	key[corev1.LoadBalancerStatus]("Ingress"):                                      {listType: "atomic"},
	key[corev1.NamespaceSpec]("Finalizers"):                                        {listType: "atomic"},
	key[corev1.NamespaceStatus]("Conditions"):                                      {listType: "map", listMapKeys: []string{"type"}, patchStrategy: "merge", patchMergeKey: "type"},
	key[corev1.NodeAffinity]("PreferredDuringSchedulingIgnoredDuringExecution"):    {listType: "atomic"},
	key[corev1.NodeSelectorRequirement]("Values"):                                  {listType: "atomic"},
	key[corev1.NodeSelectorTerm]("MatchExpressions"):                               {listType: "atomic"},
	key[corev1.NodeSelectorTerm]("MatchFields"):                                    {listType: "atomic"},
	key[corev1.NodeSelector]("NodeSelectorTerms"):                                  {listType: "atomic"},
	key[corev1.NodeSpec]("PodCIDRs"):                                               {listType: "set", patchStrategy: "merge"},
	key[corev1.NodeSpec]("Taints"):                                                 {listType: "atomic"},
	key[corev1.NodeStatus]("Addresses"):                                            {listType: "map", listMapKeys: []string{"type"}, patchStrategy: "merge", patchMergeKey: "type"},
	key[corev1.NodeStatus]("Conditions"):                                           {listType: "map", listMapKeys: []string{"type"}, patchStrategy: "merge", patchMergeKey: "type"},
	key[corev1.NodeStatus]("Images"):                                               {listType: "atomic"},
	key[corev1.NodeStatus]("RuntimeHandlers"):                                      {listType: "atomic"},
	key[corev1.NodeStatus]("VolumesAttached"):                                      {listType: "atomic"},
	key[corev1.NodeStatus]("VolumesInUse"):                                         {listType: "atomic"},
	key[corev1.PersistentVolumeClaimSpec]("AccessModes"):                           {listType: "atomic"},
	key[corev1.PodAffinityTerm]("MatchLabelKeys"):                                  {listType: "atomic"},
	key[corev1.PodAffinityTerm]("MismatchLabelKeys"):                               {listType: "atomic"},
	key[corev1.PodAffinityTerm]("Namespaces"):                                      {listType: "atomic"},
	key[corev1.PodAffinity]("PreferredDuringSchedulingIgnoredDuringExecution"):     {listType: "atomic"},
	key[corev1.PodAffinity]("RequiredDuringSchedulingIgnoredDuringExecution"):      {listType: "atomic"},
	key[corev1.PodAntiAffinity]("PreferredDuringSchedulingIgnoredDuringExecution"): {listType: "atomic"},
	key[corev1.PodAntiAffinity]("RequiredDuringSchedulingIgnoredDuringExecution"):  {listType: "atomic"},
	key[corev1.PodDNSConfig]("Nameservers"):                                        {listType: "atomic"},
	key[corev1.PodDNSConfig]("Options"):                                            {listType: "atomic"},
	key[corev1.PodDNSConfig]("Searches"):                                           {listType: "atomic"},
	key[corev1.PodSecurityContext]("SupplementalGroups"):                           {listType: "atomic"},
	key[corev1.PodSecurityContext]("Sysctls"):                                      {listType: "atomic"},
	key[corev1.PodSpec]("Containers"):                                              {listType: "map", listMapKeys: []string{"name"}, patchStrategy: "merge", patchMergeKey: "name"},
	key[corev1.PodSpec]("EphemeralContainers"):                                     {listType: "map", listMapKeys: []string{"name"}, patchStrategy: "merge", patchMergeKey: "name"},
	key[corev1.PodSpec]("HostAliases"):                                             {listType: "map", listMapKeys: []string{"ip"}, patchStrategy: "merge", patchMergeKey: "ip"},
	key[corev1.PodSpec]("ImagePullSecrets"):                                        {listType: "map", listMapKeys: []string{"name"}, patchStrategy: "merge", patchMergeKey: "name"},
	key[corev1.PodSpec]("InitContainers"):                                          {listType: "map", listMapKeys: []string{"name"}, patchStrategy: "merge", patchMergeKey: "name"},
	key[corev1.PodSpec]("NodeSelector"):                                            {mapType: "atomic"},
	key[corev1.PodSpec]("ReadinessGates"):                                          {listType: "atomic"},
	key[corev1.PodSpec]("ResourceClaims"):                                          {listType: "map", listMapKeys: []string{"name"}, patchStrategy: "merge,retainKeys", patchMergeKey: "name"},
	key[corev1.PodSpec]("SchedulingGates"):                                         {listType: "map", listMapKeys: []string{"name"}, patchStrategy: "merge", patchMergeKey: "name"},
	key[corev1.PodSpec]("Tolerations"):                                             {listType: "atomic"},
	key[corev1.PodSpec]("TopologySpreadConstraints"):                               {listType: "map", listMapKeys: []string{"topologyKey", "whenUnsatisfiable"}, patchStrategy: "merge", patchMergeKey: "topologyKey"},
	key[corev1.PodSpec]("Volumes"):                                                 {listType: "map", listMapKeys: []string{"name"}, patchStrategy: "merge,retainKeys", patchMergeKey: "name"},
	key[corev1.PodStatus]("Conditions"):                                            {listType: "map", listMapKeys: []string{"type"}, patchStrategy: "merge", patchMergeKey: "type"},
	key[corev1.PodStatus]("ContainerStatuses"):                                     {listType: "atomic"},
	key[corev1.PodStatus]("EphemeralContainerStatuses"):                            {listType: "atomic"},
	key[corev1.PodStatus]("HostIPs"):                                               {listType: "atomic", patchStrategy: "merge", patchMergeKey: "ip"},
	key[corev1.PodStatus]("InitContainerStatuses"):                                 {listType: "atomic"},
	key[corev1.PodStatus]("PodIPs"):                                                {listType: "map", listMapKeys: []string{"ip"}, patchStrategy: "merge", patchMergeKey: "ip"},
	key[corev1.PodStatus]("ResourceClaimStatuses"):                                 {listType: "map", listMapKeys: []string{"name"}, patchStrategy: "merge,retainKeys", patchMergeKey: "name"},
	key[corev1.ProjectedVolumeSource]("Sources"):                                   {listType: "atomic"},
	key[corev1.RBDVolumeSource]("CephMonitors"):                                    {listType: "atomic"},
	key[corev1.ResourceRequirements]("Claims"):                                     {listType: "map", listMapKeys: []string{"name"}},
	key[corev1.ResourceStatus]("Resources"):                                        {listType: "map", listMapKeys: []string{"resourceID"}},
	key[corev1.SecretProjection]("Items"):                                          {listType: "atomic"},
	key[corev1.SecretVolumeSource]("Items"):                                        {listType: "atomic"},
	key[corev1.ServiceSpec]("ClusterIPs"):                                          {listType: "atomic"},
	key[corev1.ServiceSpec]("ExternalIPs"):                                         {listType: "atomic"},
	key[corev1.ServiceSpec]("IPFamilies"):                                          {listType: "atomic"},
	key[corev1.ServiceSpec]("LoadBalancerSourceRanges"):                            {listType: "atomic"},
	key[corev1.ServiceSpec]("Ports"):                                               {listType: "map", listMapKeys: []string{"port", "protocol"}, patchStrategy: "merge", patchMergeKey: "port"},
	key[corev1.ServiceSpec]("Selector"):                                            {mapType: "atomic"},
	key[corev1.ServiceStatus]("Conditions"):                                        {listType: "map", listMapKeys: []string{"type"}, patchStrategy: "merge", patchMergeKey: "type"},
	key[corev1.TopologySpreadConstraint]("MatchLabelKeys"):                         {listType: "atomic"},

	// apps/v1.
	key[appsv1.DeploymentSpec]("Strategy"):     {patchStrategy: "retainKeys"},
	key[appsv1.DeploymentStatus]("Conditions"): {listType: "map", listMapKeys: []string{"type"}, patchStrategy: "merge", patchMergeKey: "type"},

	// rbac.authorization.k8s.io/v1.
	key[rbacv1.AggregationRule]("ClusterRoleSelectors"): {listType: "atomic"},
	key[rbacv1.ClusterRoleBinding]("Subjects"):          {listType: "atomic"},
	key[rbacv1.ClusterRole]("Rules"):                    {listType: "atomic"},
	key[rbacv1.PolicyRule]("APIGroups"):                 {listType: "atomic"},
	key[rbacv1.PolicyRule]("NonResourceURLs"):           {listType: "atomic"},
	key[rbacv1.PolicyRule]("ResourceNames"):             {listType: "atomic"},
	key[rbacv1.PolicyRule]("Resources"):                 {listType: "atomic"},
	key[rbacv1.PolicyRule]("Verbs"):                     {listType: "atomic"},
	key[rbacv1.RoleBinding]("Subjects"):                 {listType: "atomic"},
	key[rbacv1.Role]("Rules"):                           {listType: "atomic"},
}

// typeMarkers are the struct types replaced as a whole (+structType=atomic,
// x-kubernetes-map-type: atomic on the definition): a change to one of their
// fields replaces the struct, and server-side apply gives its fields a single
// owner. The marker belongs to the type, not to the structs that inline it
// (ConfigMapEnvSource embeds LocalObjectReference and stays granular).
var typeMarkers = map[reflect.Type]string{
	reflect.TypeFor[corev1.ConfigMapKeySelector]():      "atomic",
	reflect.TypeFor[corev1.LocalObjectReference]():      "atomic",
	reflect.TypeFor[corev1.NodeSelectorTerm]():          "atomic",
	reflect.TypeFor[corev1.NodeSelector]():              "atomic",
	reflect.TypeFor[corev1.ObjectFieldSelector]():       "atomic",
	reflect.TypeFor[corev1.ObjectReference]():           "atomic",
	reflect.TypeFor[corev1.ResourceFieldSelector]():     "atomic",
	reflect.TypeFor[corev1.SecretKeySelector]():         "atomic",
	reflect.TypeFor[corev1.TypedLocalObjectReference](): "atomic",
	reflect.TypeFor[meta.LabelSelector]():               "atomic",
	reflect.TypeFor[meta.OwnerReference]():              "atomic",
	reflect.TypeFor[rbacv1.RoleRef]():                   "atomic",
	reflect.TypeFor[rbacv1.Subject]():                   "atomic",
}

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
