package corev1

import "kctl.dev/kctl/api/meta"

// Node condition types.
const (
	NodeReady              = "Ready"
	NodeMemoryPressure     = "MemoryPressure"
	NodeDiskPressure       = "DiskPressure"
	NodePIDPressure        = "PIDPressure"
	NodeNetworkUnavailable = "NetworkUnavailable"
)

// Node address types.
const (
	NodeHostName    = "Hostname"
	NodeInternalIP  = "InternalIP"
	NodeExternalIP  = "ExternalIP"
	NodeInternalDNS = "InternalDNS"
	NodeExternalDNS = "ExternalDNS"
)

// Taint effects.
const (
	TaintEffectNoSchedule       = "NoSchedule"
	TaintEffectPreferNoSchedule = "PreferNoSchedule"
	TaintEffectNoExecute        = "NoExecute"
)

// LabelNodeRolePrefix prefixes the labels that give a node its roles
// (node-role.kubernetes.io/control-plane).
const LabelNodeRolePrefix = "node-role.kubernetes.io/"

// Node is a machine pods run on.
type Node struct {
	meta.TypeMeta   `json:",inline"`
	meta.ObjectMeta `json:"metadata,omitempty"`
	Spec            NodeSpec   `json:"spec,omitempty"`
	Status          NodeStatus `json:"status,omitempty"`
}

// NodeList is a list of nodes.
type NodeList struct {
	meta.TypeMeta `json:",inline"`
	meta.ListMeta `json:"metadata"`
	Items         []Node `json:"items"`
}

// NodeSpec is the desired state of a node.
type NodeSpec struct {
	PodCIDR       string   `json:"podCIDR,omitempty"`
	PodCIDRs      []string `json:"podCIDRs,omitempty"`
	ProviderID    string   `json:"providerID,omitempty"`
	Unschedulable bool     `json:"unschedulable,omitempty"`
	Taints        []Taint  `json:"taints,omitempty"`
	// ConfigSource is the retired dynamic kubelet configuration source; the
	// API still accepts it.
	ConfigSource *NodeConfigSource `json:"configSource,omitempty"`
	ExternalID   string            `json:"externalID,omitempty"`
}

// NodeConfigSource points at the config map a node's kubelet configuration came
// from (dynamic kubelet configuration, removed from the kubelet; kept in the API).
type NodeConfigSource struct {
	ConfigMap *ConfigMapNodeConfigSource `json:"configMap,omitempty"`
}

// ConfigMapNodeConfigSource names a config map and the key holding a kubelet
// configuration.
type ConfigMapNodeConfigSource struct {
	Namespace        string `json:"namespace"`
	Name             string `json:"name"`
	UID              string `json:"uid,omitempty"`
	ResourceVersion  string `json:"resourceVersion,omitempty"`
	KubeletConfigKey string `json:"kubeletConfigKey"`
}

// NodeConfigStatus is the kubelet's report on its dynamic configuration.
type NodeConfigStatus struct {
	Assigned      *NodeConfigSource `json:"assigned,omitempty"`
	Active        *NodeConfigSource `json:"active,omitempty"`
	LastKnownGood *NodeConfigSource `json:"lastKnownGood,omitempty"`
	Error         string            `json:"error,omitempty"`
}

// Taint repels pods that do not tolerate it.
type Taint struct {
	Key       string     `json:"key"`
	Value     string     `json:"value,omitempty"`
	Effect    string     `json:"effect"`
	TimeAdded *meta.Time `json:"timeAdded,omitempty"`
}

// NodeStatus is the observed state of a node, reported by its kubelet.
type NodeStatus struct {
	Capacity        ResourceList         `json:"capacity,omitempty"`
	Allocatable     ResourceList         `json:"allocatable,omitempty"`
	Phase           string               `json:"phase,omitempty"`
	Conditions      []NodeCondition      `json:"conditions,omitempty"`
	Addresses       []NodeAddress        `json:"addresses,omitempty"`
	DaemonEndpoints NodeDaemonEndpoints  `json:"daemonEndpoints,omitempty"`
	NodeInfo        NodeSystemInfo       `json:"nodeInfo,omitempty"`
	Images          []ContainerImage     `json:"images,omitempty"`
	VolumesInUse    []string             `json:"volumesInUse,omitempty"`
	VolumesAttached []AttachedVolume     `json:"volumesAttached,omitempty"`
	Config          *NodeConfigStatus    `json:"config,omitempty"`
	RuntimeHandlers []NodeRuntimeHandler `json:"runtimeHandlers,omitempty"`
	Features        *NodeFeatures        `json:"features,omitempty"`
}

// NodeCondition is one condition of a node. Zero times encode as null, as upstream.
type NodeCondition struct {
	Type               string    `json:"type"`
	Status             string    `json:"status"`
	LastHeartbeatTime  meta.Time `json:"lastHeartbeatTime"`
	LastTransitionTime meta.Time `json:"lastTransitionTime"`
	Reason             string    `json:"reason,omitempty"`
	Message            string    `json:"message,omitempty"`
}

// NodeAddress is one address of a node.
type NodeAddress struct {
	Type    string `json:"type"`
	Address string `json:"address"`
}

// NodeDaemonEndpoints are the ports of the node's daemons.
type NodeDaemonEndpoints struct {
	KubeletEndpoint DaemonEndpoint `json:"kubeletEndpoint,omitempty"`
}

// DaemonEndpoint is one port. The JSON key is "Port", capitalised, as upstream.
type DaemonEndpoint struct {
	Port int32 `json:"Port"`
}

// NodeSystemInfo describes the node's software.
type NodeSystemInfo struct {
	MachineID               string          `json:"machineID"`
	SystemUUID              string          `json:"systemUUID"`
	BootID                  string          `json:"bootID"`
	KernelVersion           string          `json:"kernelVersion"`
	OSImage                 string          `json:"osImage"`
	ContainerRuntimeVersion string          `json:"containerRuntimeVersion"`
	KubeletVersion          string          `json:"kubeletVersion"`
	KubeProxyVersion        string          `json:"kubeProxyVersion"`
	OperatingSystem         string          `json:"operatingSystem"`
	Architecture            string          `json:"architecture"`
	Swap                    *NodeSwapStatus `json:"swap,omitempty"`
}

// NodeSwapStatus describes the node's swap.
type NodeSwapStatus struct {
	Capacity *int64 `json:"capacity,omitempty"`
}

// ContainerImage is an image present on the node.
type ContainerImage struct {
	Names     []string `json:"names"`
	SizeBytes int64    `json:"sizeBytes,omitempty"`
}

// AttachedVolume is a volume attached to the node.
type AttachedVolume struct {
	Name       string `json:"name"`
	DevicePath string `json:"devicePath"`
}

// NodeRuntimeHandler is a container runtime handler of the node.
type NodeRuntimeHandler struct {
	Name     string                      `json:"name"`
	Features *NodeRuntimeHandlerFeatures `json:"features,omitempty"`
}

// NodeRuntimeHandlerFeatures are the features of a runtime handler.
type NodeRuntimeHandlerFeatures struct {
	RecursiveReadOnlyMounts *bool `json:"recursiveReadOnlyMounts,omitempty"`
	UserNamespaces          *bool `json:"userNamespaces,omitempty"`
}

// NodeFeatures are features the node supports.
type NodeFeatures struct {
	SupplementalGroupsPolicy *bool `json:"supplementalGroupsPolicy,omitempty"`
}
