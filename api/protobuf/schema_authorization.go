package protobuf

// authorizationGroup: authorization.k8s.io/v1 (k8s.io/api/authorization/v1),
// the access reviews that kubectl auth can-i creates.
var authorizationGroup = group{
	prefix:     "authorization",
	protoPkg:   "k8s.io.api.authorization.v1",
	apiVersion: "authorization.k8s.io/v1",
	kinds: []string{
		"SelfSubjectAccessReview", "SelfSubjectRulesReview", "SubjectAccessReview", "LocalSubjectAccessReview",
	},
	src: `
SelfSubjectAccessReview
  1 metadata meta.ObjectMeta
  2 spec     SelfSubjectAccessReviewSpec
  3 status   SubjectAccessReviewStatus

SelfSubjectAccessReviewSpec
  1 resourceAttributes    *ResourceAttributes
  2 nonResourceAttributes *NonResourceAttributes

SubjectAccessReview
  1 metadata meta.ObjectMeta
  2 spec     SubjectAccessReviewSpec
  3 status   SubjectAccessReviewStatus

LocalSubjectAccessReview
  1 metadata meta.ObjectMeta
  2 spec     SubjectAccessReviewSpec
  3 status   SubjectAccessReviewStatus

SubjectAccessReviewSpec
  1 resourceAttributes    *ResourceAttributes
  2 nonResourceAttributes *NonResourceAttributes
  3 user                  string
  4 groups                []string
  5 extra                 map[string]ExtraValue
  6 uid                   string

ResourceAttributes
  1 namespace     string
  2 verb          string
  3 group         string
  4 version       string
  5 resource      string
  6 subresource   string
  7 name          string
  8 fieldSelector *FieldSelectorAttributes
  9 labelSelector *LabelSelectorAttributes

FieldSelectorAttributes
  1 rawSelector  string
  2 requirements []FieldSelectorRequirement

FieldSelectorRequirement
  1 key      string
  2 operator string
  3 values   []string

LabelSelectorAttributes
  1 rawSelector  string
  2 requirements []meta.LabelSelectorRequirement

NonResourceAttributes
  1 path string
  2 verb string

SubjectAccessReviewStatus
  1 allowed         bool
  4 denied          bool
  2 reason          string
  3 evaluationError string

SelfSubjectRulesReview
  1 metadata meta.ObjectMeta
  2 spec     SelfSubjectRulesReviewSpec
  3 status   SubjectRulesReviewStatus

SelfSubjectRulesReviewSpec
  1 namespace string

SubjectRulesReviewStatus
  1 resourceRules    []ResourceRule
  2 nonResourceRules []NonResourceRule
  3 incomplete       bool
  4 evaluationError  string

ResourceRule
  1 verbs         []string
  2 apiGroups     []string
  3 resources     []string
  4 resourceNames []string

NonResourceRule
  1 verbs           []string
  2 nonResourceURLs []string
`,
}
