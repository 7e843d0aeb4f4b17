package meta

// Aggregated discovery (apidiscovery.k8s.io/v2): one document per root (/api for
// the core group, /apis for the named groups) that carries every group, version and
// resource, so a client learns everything in two requests instead of one per
// group/version. A client asks for it with an Accept header naming the kind, and
// the server answers with the same parameters in Content-Type.

// Media type parameters of aggregated discovery.
const (
	AggregatedDiscoveryGroup   = "apidiscovery.k8s.io"
	AggregatedDiscoveryVersion = "v2"
	AggregatedDiscoveryKind    = "APIGroupDiscoveryList"

	// AggregatedDiscoveryContentType is the Content-Type of an aggregated document.
	AggregatedDiscoveryContentType = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"
)

// ResourceScope says whether a resource lives in namespaces.
type ResourceScope string

// Resource scopes.
const (
	ScopeNamespace ResourceScope = "Namespaced"
	ScopeCluster   ResourceScope = "Cluster"
)

// DiscoveryFreshness says whether a version's resources are up to date.
type DiscoveryFreshness string

// Freshness values.
const (
	DiscoveryFreshnessCurrent DiscoveryFreshness = "Current"
	DiscoveryFreshnessStale   DiscoveryFreshness = "Stale"
)

// GroupVersionKind names a kind fully; "" group is the core group.
type GroupVersionKind struct {
	Group   string `json:"group"`
	Version string `json:"version"`
	Kind    string `json:"kind"`
}

// DiscoveryMeta is the metadata of an aggregated group entry: its name is the
// group ("" for the core group).
type DiscoveryMeta struct {
	Name string `json:"name,omitempty"`
}

// APIGroupDiscoveryList is the aggregated discovery document
// (apidiscovery.k8s.io/v2, kind APIGroupDiscoveryList).
type APIGroupDiscoveryList struct {
	TypeMeta `json:",inline"`
	ListMeta `json:"metadata"`
	Items    []APIGroupDiscovery `json:"items"`
}

// APIGroupDiscovery is one group with its versions, preferred first.
type APIGroupDiscovery struct {
	TypeMeta `json:",inline"`
	Metadata DiscoveryMeta         `json:"metadata"`
	Versions []APIVersionDiscovery `json:"versions,omitempty"`
}

// APIVersionDiscovery is one version of a group with its resources.
type APIVersionDiscovery struct {
	Version   string                 `json:"version"`
	Resources []APIResourceDiscovery `json:"resources,omitempty"`
	Freshness DiscoveryFreshness     `json:"freshness,omitempty"`
}

// APIResourceDiscovery describes one resource and its subresources.
type APIResourceDiscovery struct {
	Resource         string                    `json:"resource"`
	ResponseKind     *GroupVersionKind         `json:"responseKind,omitempty"`
	Scope            ResourceScope             `json:"scope"`
	SingularResource string                    `json:"singularResource"`
	Verbs            []string                  `json:"verbs"`
	ShortNames       []string                  `json:"shortNames,omitempty"`
	Categories       []string                  `json:"categories,omitempty"`
	Subresources     []APISubresourceDiscovery `json:"subresources,omitempty"`
}

// APISubresourceDiscovery describes one subresource (status, binding, scale).
type APISubresourceDiscovery struct {
	Subresource   string             `json:"subresource"`
	ResponseKind  *GroupVersionKind  `json:"responseKind,omitempty"`
	AcceptedTypes []GroupVersionKind `json:"acceptedTypes,omitempty"`
	Verbs         []string           `json:"verbs"`
}
