package protobuf

// rbacGroup: rbac.authorization.k8s.io/v1 (k8s.io/api/rbac/v1).
var rbacGroup = group{
	prefix:     "rbac",
	protoPkg:   "k8s.io.api.rbac.v1",
	apiVersion: "rbac.authorization.k8s.io/v1",
	kinds:      []string{"Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"},
	src: `
Role
  1 metadata meta.ObjectMeta
  2 rules    []PolicyRule

ClusterRole
  1 metadata        meta.ObjectMeta
  2 rules           []PolicyRule
  3 aggregationRule *AggregationRule

AggregationRule
  1 clusterRoleSelectors []meta.LabelSelector

PolicyRule
  1 verbs           []string
  2 apiGroups       []string
  3 resources       []string
  4 resourceNames   []string
  5 nonResourceURLs []string

RoleBinding
  1 metadata meta.ObjectMeta
  2 subjects []Subject
  3 roleRef  RoleRef

ClusterRoleBinding
  1 metadata meta.ObjectMeta
  2 subjects []Subject
  3 roleRef  RoleRef

RoleRef
  1 apiGroup string
  2 kind     string
  3 name     string

Subject
  1 kind      string
  2 apiGroup  string
  3 name      string
  4 namespace string
`,
}
