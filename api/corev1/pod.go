package corev1

import "kctl.dev/kctl/api/meta"

// Pod phases.
const (
	PodPending   = "Pending"
	PodRunning   = "Running"
	PodSucceeded = "Succeeded"
	PodFailed    = "Failed"
	PodUnknown   = "Unknown"
)

// Pod condition types.
const (
	PodScheduled    = "PodScheduled"
	PodInitialized  = "Initialized"
	ContainersReady = "ContainersReady"
	PodReady        = "Ready"
)

// Condition statuses.
const (
	ConditionTrue    = "True"
	ConditionFalse   = "False"
	ConditionUnknown = "Unknown"
)

// Restart policies (of a pod, and "Always" for a sidecar init container).
const (
	RestartPolicyAlways    = "Always"
	RestartPolicyOnFailure = "OnFailure"
	RestartPolicyNever     = "Never"
)

// DNS policies.
const (
	DNSClusterFirstWithHostNet = "ClusterFirstWithHostNet"
	DNSClusterFirst            = "ClusterFirst"
	DNSDefault                 = "Default"
	DNSNone                    = "None"
)

// Image pull policies.
const (
	PullAlways       = "Always"
	PullIfNotPresent = "IfNotPresent"
	PullNever        = "Never"
)

// Protocols of container and service ports.
const (
	ProtocolTCP  = "TCP"
	ProtocolUDP  = "UDP"
	ProtocolSCTP = "SCTP"
)

// QoS classes.
const (
	QOSGuaranteed = "Guaranteed"
	QOSBurstable  = "Burstable"
	QOSBestEffort = "BestEffort"
)

// Resource names.
const (
	ResourceCPU              = "cpu"
	ResourceMemory           = "memory"
	ResourceEphemeralStorage = "ephemeral-storage"
	ResourcePods             = "pods"
)

// Termination message policies.
const (
	TerminationMessageReadFile              = "File"
	TerminationMessageFallbackToLogsOnError = "FallbackToLogsOnError"
)

// Pod is a group of containers scheduled together on one node.
type Pod struct {
	meta.TypeMeta   `json:",inline"`
	meta.ObjectMeta `json:"metadata,omitempty"`
	Spec            PodSpec   `json:"spec,omitempty"`
	Status          PodStatus `json:"status,omitempty"`
}

// PodList is a list of pods.
type PodList struct {
	meta.TypeMeta `json:",inline"`
	meta.ListMeta `json:"metadata"`
	Items         []Pod `json:"items"`
}

// PodTemplateSpec is the pod a workload (a Deployment) creates.
type PodTemplateSpec struct {
	meta.ObjectMeta `json:"metadata,omitempty"`
	Spec            PodSpec `json:"spec,omitempty"`
}

// PodSpec is the desired state of a pod.
type PodSpec struct {
	Volumes                       []Volume                   `json:"volumes,omitempty"`
	InitContainers                []Container                `json:"initContainers,omitempty"`
	Containers                    []Container                `json:"containers"`
	EphemeralContainers           []EphemeralContainer       `json:"ephemeralContainers,omitempty"`
	RestartPolicy                 string                     `json:"restartPolicy,omitempty"`
	TerminationGracePeriodSeconds *int64                     `json:"terminationGracePeriodSeconds,omitempty"`
	ActiveDeadlineSeconds         *int64                     `json:"activeDeadlineSeconds,omitempty"`
	DNSPolicy                     string                     `json:"dnsPolicy,omitempty"`
	NodeSelector                  map[string]string          `json:"nodeSelector,omitempty"`
	ServiceAccountName            string                     `json:"serviceAccountName,omitempty"`
	DeprecatedServiceAccount      string                     `json:"serviceAccount,omitempty"`
	AutomountServiceAccountToken  *bool                      `json:"automountServiceAccountToken,omitempty"`
	NodeName                      string                     `json:"nodeName,omitempty"`
	HostNetwork                   bool                       `json:"hostNetwork,omitempty"`
	HostPID                       bool                       `json:"hostPID,omitempty"`
	HostIPC                       bool                       `json:"hostIPC,omitempty"`
	ShareProcessNamespace         *bool                      `json:"shareProcessNamespace,omitempty"`
	SecurityContext               *PodSecurityContext        `json:"securityContext,omitempty"`
	ImagePullSecrets              []LocalObjectReference     `json:"imagePullSecrets,omitempty"`
	Hostname                      string                     `json:"hostname,omitempty"`
	Subdomain                     string                     `json:"subdomain,omitempty"`
	Affinity                      *Affinity                  `json:"affinity,omitempty"`
	SchedulerName                 string                     `json:"schedulerName,omitempty"`
	Tolerations                   []Toleration               `json:"tolerations,omitempty"`
	HostAliases                   []HostAlias                `json:"hostAliases,omitempty"`
	PriorityClassName             string                     `json:"priorityClassName,omitempty"`
	Priority                      *int32                     `json:"priority,omitempty"`
	DNSConfig                     *PodDNSConfig              `json:"dnsConfig,omitempty"`
	ReadinessGates                []PodReadinessGate         `json:"readinessGates,omitempty"`
	RuntimeClassName              *string                    `json:"runtimeClassName,omitempty"`
	EnableServiceLinks            *bool                      `json:"enableServiceLinks,omitempty"`
	PreemptionPolicy              *string                    `json:"preemptionPolicy,omitempty"`
	Overhead                      ResourceList               `json:"overhead,omitempty"`
	TopologySpreadConstraints     []TopologySpreadConstraint `json:"topologySpreadConstraints,omitempty"`
	SetHostnameAsFQDN             *bool                      `json:"setHostnameAsFQDN,omitempty"`
	OS                            *PodOS                     `json:"os,omitempty"`
	HostUsers                     *bool                      `json:"hostUsers,omitempty"`
	SchedulingGates               []PodSchedulingGate        `json:"schedulingGates,omitempty"`
	ResourceClaims                []PodResourceClaim         `json:"resourceClaims,omitempty"`
	Resources                     *ResourceRequirements      `json:"resources,omitempty"`
}

// ResourceList maps a resource name (cpu, memory, ...) to a quantity ("500m").
type ResourceList map[string]string

// ResourceRequirements are a container's requests and limits.
type ResourceRequirements struct {
	Limits   ResourceList    `json:"limits,omitempty"`
	Requests ResourceList    `json:"requests,omitempty"`
	Claims   []ResourceClaim `json:"claims,omitempty"`
}

// ResourceClaim names a pod resource claim a container uses.
type ResourceClaim struct {
	Name    string `json:"name"`
	Request string `json:"request,omitempty"`
}

// Container is one container of a pod.
type Container struct {
	Name                     string                  `json:"name"`
	Image                    string                  `json:"image,omitempty"`
	Command                  []string                `json:"command,omitempty"`
	Args                     []string                `json:"args,omitempty"`
	WorkingDir               string                  `json:"workingDir,omitempty"`
	Ports                    []ContainerPort         `json:"ports,omitempty"`
	EnvFrom                  []EnvFromSource         `json:"envFrom,omitempty"`
	Env                      []EnvVar                `json:"env,omitempty"`
	Resources                ResourceRequirements    `json:"resources,omitempty"`
	ResizePolicy             []ContainerResizePolicy `json:"resizePolicy,omitempty"`
	RestartPolicy            *string                 `json:"restartPolicy,omitempty"`
	VolumeMounts             []VolumeMount           `json:"volumeMounts,omitempty"`
	VolumeDevices            []VolumeDevice          `json:"volumeDevices,omitempty"`
	LivenessProbe            *Probe                  `json:"livenessProbe,omitempty"`
	ReadinessProbe           *Probe                  `json:"readinessProbe,omitempty"`
	StartupProbe             *Probe                  `json:"startupProbe,omitempty"`
	Lifecycle                *Lifecycle              `json:"lifecycle,omitempty"`
	TerminationMessagePath   string                  `json:"terminationMessagePath,omitempty"`
	TerminationMessagePolicy string                  `json:"terminationMessagePolicy,omitempty"`
	ImagePullPolicy          string                  `json:"imagePullPolicy,omitempty"`
	SecurityContext          *SecurityContext        `json:"securityContext,omitempty"`
	Stdin                    bool                    `json:"stdin,omitempty"`
	StdinOnce                bool                    `json:"stdinOnce,omitempty"`
	TTY                      bool                    `json:"tty,omitempty"`
}

// EphemeralContainer is a container added to a running pod (for debugging)
// through the pod's ephemeralcontainers subresource. It has every field of a
// Container (upstream's EphemeralContainerCommon mirrors Container field for
// field) and may name the container whose namespaces it joins.
type EphemeralContainer struct {
	Container           `json:",inline"`
	TargetContainerName string `json:"targetContainerName,omitempty"`
}

// ContainerResizePolicy says whether resizing a resource restarts the container.
type ContainerResizePolicy struct {
	ResourceName  string `json:"resourceName"`
	RestartPolicy string `json:"restartPolicy"`
}

// VolumeDevice maps a raw block volume to a device path in the container.
type VolumeDevice struct {
	Name       string `json:"name"`
	DevicePath string `json:"devicePath"`
}

// PodResourceClaim names a ResourceClaim (or a template to create one from)
// the pod's containers may use.
type PodResourceClaim struct {
	Name                      string  `json:"name"`
	ResourceClaimName         *string `json:"resourceClaimName,omitempty"`
	ResourceClaimTemplateName *string `json:"resourceClaimTemplateName,omitempty"`
}

// PodResourceClaimStatus records the ResourceClaim generated for a pod claim.
type PodResourceClaimStatus struct {
	Name              string  `json:"name"`
	ResourceClaimName *string `json:"resourceClaimName,omitempty"`
}

// ContainerPort is a port a container listens on.
type ContainerPort struct {
	Name          string `json:"name,omitempty"`
	HostPort      int32  `json:"hostPort,omitempty"`
	ContainerPort int32  `json:"containerPort"`
	Protocol      string `json:"protocol,omitempty"`
	HostIP        string `json:"hostIP,omitempty"`
}

// EnvVar is one environment variable: a literal value or a reference.
type EnvVar struct {
	Name      string        `json:"name"`
	Value     string        `json:"value,omitempty"`
	ValueFrom *EnvVarSource `json:"valueFrom,omitempty"`
}

// EnvVarSource says where an environment variable's value comes from.
type EnvVarSource struct {
	FieldRef         *ObjectFieldSelector   `json:"fieldRef,omitempty"`
	ResourceFieldRef *ResourceFieldSelector `json:"resourceFieldRef,omitempty"`
	ConfigMapKeyRef  *ConfigMapKeySelector  `json:"configMapKeyRef,omitempty"`
	SecretKeyRef     *SecretKeySelector     `json:"secretKeyRef,omitempty"`
}

// ObjectFieldSelector selects a field of the pod (downward API).
type ObjectFieldSelector struct {
	APIVersion string `json:"apiVersion,omitempty"`
	FieldPath  string `json:"fieldPath"`
}

// ResourceFieldSelector selects a container's request or limit (downward API).
type ResourceFieldSelector struct {
	ContainerName string `json:"containerName,omitempty"`
	Resource      string `json:"resource"`
	Divisor       string `json:"divisor,omitempty"`
}

// LocalObjectReference names an object in the same namespace.
type LocalObjectReference struct {
	Name string `json:"name,omitempty"`
}

// ConfigMapKeySelector selects one key of a config map.
type ConfigMapKeySelector struct {
	LocalObjectReference `json:",inline"`
	Key                  string `json:"key"`
	Optional             *bool  `json:"optional,omitempty"`
}

// SecretKeySelector selects one key of a secret.
type SecretKeySelector struct {
	LocalObjectReference `json:",inline"`
	Key                  string `json:"key"`
	Optional             *bool  `json:"optional,omitempty"`
}

// EnvFromSource imports every key of a config map or secret as variables.
type EnvFromSource struct {
	Prefix       string              `json:"prefix,omitempty"`
	ConfigMapRef *ConfigMapEnvSource `json:"configMapRef,omitempty"`
	SecretRef    *SecretEnvSource    `json:"secretRef,omitempty"`
}

// ConfigMapEnvSource names the config map of an EnvFromSource.
type ConfigMapEnvSource struct {
	LocalObjectReference `json:",inline"`
	Optional             *bool `json:"optional,omitempty"`
}

// SecretEnvSource names the secret of an EnvFromSource.
type SecretEnvSource struct {
	LocalObjectReference `json:",inline"`
	Optional             *bool `json:"optional,omitempty"`
}

// VolumeMount mounts a pod volume into a container.
type VolumeMount struct {
	Name              string  `json:"name"`
	ReadOnly          bool    `json:"readOnly,omitempty"`
	RecursiveReadOnly *string `json:"recursiveReadOnly,omitempty"`
	MountPath         string  `json:"mountPath"`
	SubPath           string  `json:"subPath,omitempty"`
	MountPropagation  *string `json:"mountPropagation,omitempty"`
	SubPathExpr       string  `json:"subPathExpr,omitempty"`
}

// Probe is a liveness, readiness or startup check.
type Probe struct {
	ProbeHandler                  `json:",inline"`
	InitialDelaySeconds           int32  `json:"initialDelaySeconds,omitempty"`
	TimeoutSeconds                int32  `json:"timeoutSeconds,omitempty"`
	PeriodSeconds                 int32  `json:"periodSeconds,omitempty"`
	SuccessThreshold              int32  `json:"successThreshold,omitempty"`
	FailureThreshold              int32  `json:"failureThreshold,omitempty"`
	TerminationGracePeriodSeconds *int64 `json:"terminationGracePeriodSeconds,omitempty"`
}

// ProbeHandler is the action of a probe; exactly one is set.
type ProbeHandler struct {
	Exec      *ExecAction      `json:"exec,omitempty"`
	HTTPGet   *HTTPGetAction   `json:"httpGet,omitempty"`
	TCPSocket *TCPSocketAction `json:"tcpSocket,omitempty"`
	GRPC      *GRPCAction      `json:"grpc,omitempty"`
}

// ExecAction runs a command in the container.
type ExecAction struct {
	Command []string `json:"command,omitempty"`
}

// HTTPGetAction sends an HTTP GET.
type HTTPGetAction struct {
	Path        string       `json:"path,omitempty"`
	Port        IntOrString  `json:"port"`
	Host        string       `json:"host,omitempty"`
	Scheme      string       `json:"scheme,omitempty"`
	HTTPHeaders []HTTPHeader `json:"httpHeaders,omitempty"`
}

// HTTPHeader is one header of an HTTPGetAction.
type HTTPHeader struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// TCPSocketAction opens a TCP connection.
type TCPSocketAction struct {
	Port IntOrString `json:"port"`
	Host string      `json:"host,omitempty"`
}

// GRPCAction calls the gRPC health service.
type GRPCAction struct {
	Port    int32   `json:"port"`
	Service *string `json:"service,omitempty"`
}

// Lifecycle holds a container's postStart and preStop hooks.
type Lifecycle struct {
	PostStart  *LifecycleHandler `json:"postStart,omitempty"`
	PreStop    *LifecycleHandler `json:"preStop,omitempty"`
	StopSignal *string           `json:"stopSignal,omitempty"`
}

// LifecycleHandler is the action of a lifecycle hook.
type LifecycleHandler struct {
	Exec      *ExecAction      `json:"exec,omitempty"`
	HTTPGet   *HTTPGetAction   `json:"httpGet,omitempty"`
	TCPSocket *TCPSocketAction `json:"tcpSocket,omitempty"`
	Sleep     *SleepAction     `json:"sleep,omitempty"`
}

// SleepAction pauses for a number of seconds.
type SleepAction struct {
	Seconds int64 `json:"seconds"`
}

// Toleration lets a pod schedule onto (or stay on) a node with a matching taint.
type Toleration struct {
	Key               string `json:"key,omitempty"`
	Operator          string `json:"operator,omitempty"`
	Value             string `json:"value,omitempty"`
	Effect            string `json:"effect,omitempty"`
	TolerationSeconds *int64 `json:"tolerationSeconds,omitempty"`
}

// HostAlias adds an /etc/hosts entry.
type HostAlias struct {
	IP        string   `json:"ip"`
	Hostnames []string `json:"hostnames,omitempty"`
}

// PodDNSConfig adds DNS settings on top of the DNS policy.
type PodDNSConfig struct {
	Nameservers []string             `json:"nameservers,omitempty"`
	Searches    []string             `json:"searches,omitempty"`
	Options     []PodDNSConfigOption `json:"options,omitempty"`
}

// PodDNSConfigOption is one resolver option.
type PodDNSConfigOption struct {
	Name  string  `json:"name,omitempty"`
	Value *string `json:"value,omitempty"`
}

// PodReadinessGate names an extra condition the pod needs to be ready.
type PodReadinessGate struct {
	ConditionType string `json:"conditionType"`
}

// PodOS names the operating system the pod needs.
type PodOS struct {
	Name string `json:"name"`
}

// PodSchedulingGate holds a pod back from scheduling while present.
type PodSchedulingGate struct {
	Name string `json:"name"`
}

// TopologySpreadConstraint spreads matching pods across a topology.
type TopologySpreadConstraint struct {
	MaxSkew            int32               `json:"maxSkew"`
	TopologyKey        string              `json:"topologyKey"`
	WhenUnsatisfiable  string              `json:"whenUnsatisfiable"`
	LabelSelector      *meta.LabelSelector `json:"labelSelector,omitempty"`
	MinDomains         *int32              `json:"minDomains,omitempty"`
	NodeAffinityPolicy *string             `json:"nodeAffinityPolicy,omitempty"`
	NodeTaintsPolicy   *string             `json:"nodeTaintsPolicy,omitempty"`
	MatchLabelKeys     []string            `json:"matchLabelKeys,omitempty"`
}

// PodStatus is the observed state of a pod.
type PodStatus struct {
	ObservedGeneration    int64             `json:"observedGeneration,omitempty"`
	Phase                 string            `json:"phase,omitempty"`
	Conditions            []PodCondition    `json:"conditions,omitempty"`
	Message               string            `json:"message,omitempty"`
	Reason                string            `json:"reason,omitempty"`
	NominatedNodeName     string            `json:"nominatedNodeName,omitempty"`
	HostIP                string            `json:"hostIP,omitempty"`
	HostIPs               []HostIP          `json:"hostIPs,omitempty"`
	PodIP                 string            `json:"podIP,omitempty"`
	PodIPs                []PodIP           `json:"podIPs,omitempty"`
	StartTime             *meta.Time        `json:"startTime,omitempty"`
	InitContainerStatuses []ContainerStatus `json:"initContainerStatuses,omitempty"`
	ContainerStatuses     []ContainerStatus `json:"containerStatuses,omitempty"`
	QOSClass              string            `json:"qosClass,omitempty"`
	// EphemeralContainerStatuses are the statuses of the ephemeral containers.
	EphemeralContainerStatuses []ContainerStatus `json:"ephemeralContainerStatuses,omitempty"`
	// Resize is the state of a requested in-place resize ("Proposed",
	// "InProgress", "Deferred", "Infeasible").
	Resize                string                   `json:"resize,omitempty"`
	ResourceClaimStatuses []PodResourceClaimStatus `json:"resourceClaimStatuses,omitempty"`
}

// HostIP is one IP address of the pod's node.
type HostIP struct {
	IP string `json:"ip"`
}

// PodIP is one IP address of the pod.
type PodIP struct {
	IP string `json:"ip"`
}

// PodCondition is one condition of a pod. Zero times encode as null, as upstream.
type PodCondition struct {
	Type               string    `json:"type"`
	ObservedGeneration int64     `json:"observedGeneration,omitempty"`
	Status             string    `json:"status"`
	LastProbeTime      meta.Time `json:"lastProbeTime"`
	LastTransitionTime meta.Time `json:"lastTransitionTime"`
	Reason             string    `json:"reason,omitempty"`
	Message            string    `json:"message,omitempty"`
}

// ContainerStatus is the observed state of one container.
type ContainerStatus struct {
	Name                 string                `json:"name"`
	State                ContainerState        `json:"state,omitempty"`
	LastTerminationState ContainerState        `json:"lastState,omitempty"`
	Ready                bool                  `json:"ready"`
	RestartCount         int32                 `json:"restartCount"`
	Image                string                `json:"image"`
	ImageID              string                `json:"imageID"`
	ContainerID          string                `json:"containerID,omitempty"`
	Started              *bool                 `json:"started,omitempty"`
	AllocatedResources   ResourceList          `json:"allocatedResources,omitempty"`
	Resources            *ResourceRequirements `json:"resources,omitempty"`
	VolumeMounts         []VolumeMountStatus   `json:"volumeMounts,omitempty"`
	User                 *ContainerUser        `json:"user,omitempty"`
	// AllocatedResourcesStatus reports the health of the devices allocated to
	// the container, per resource.
	AllocatedResourcesStatus []ResourceStatus `json:"allocatedResourcesStatus,omitempty"`
}

// ContainerUser is the identity the container's first process started with.
type ContainerUser struct {
	Linux *LinuxContainerUser `json:"linux,omitempty"`
}

// LinuxContainerUser is a Linux uid, gid and supplementary groups.
type LinuxContainerUser struct {
	UID                int64   `json:"uid"`
	GID                int64   `json:"gid"`
	SupplementalGroups []int64 `json:"supplementalGroups,omitempty"`
}

// ResourceStatus is the health of the devices behind one allocated resource
// (a device plugin resource name, or "claim:NAME/REQUEST" for DRA).
type ResourceStatus struct {
	Name      string           `json:"name"`
	Resources []ResourceHealth `json:"resources,omitempty"`
}

// ResourceHealth is the health of one device ("Healthy", "Unhealthy",
// "Unknown").
type ResourceHealth struct {
	ResourceID string `json:"resourceID"`
	Health     string `json:"health,omitempty"`
}

// VolumeMountStatus is the observed state of one volume mount.
type VolumeMountStatus struct {
	Name              string  `json:"name"`
	MountPath         string  `json:"mountPath"`
	ReadOnly          bool    `json:"readOnly,omitempty"`
	RecursiveReadOnly *string `json:"recursiveReadOnly,omitempty"`
}

// ContainerState is one of waiting, running or terminated (none means waiting).
type ContainerState struct {
	Waiting    *ContainerStateWaiting    `json:"waiting,omitempty"`
	Running    *ContainerStateRunning    `json:"running,omitempty"`
	Terminated *ContainerStateTerminated `json:"terminated,omitempty"`
}

// ContainerStateWaiting is a container not yet running.
type ContainerStateWaiting struct {
	Reason  string `json:"reason,omitempty"`
	Message string `json:"message,omitempty"`
}

// ContainerStateRunning is a running container.
type ContainerStateRunning struct {
	StartedAt meta.Time `json:"startedAt"`
}

// ContainerStateTerminated is a container that exited.
type ContainerStateTerminated struct {
	ExitCode    int32     `json:"exitCode"`
	Signal      int32     `json:"signal,omitempty"`
	Reason      string    `json:"reason,omitempty"`
	Message     string    `json:"message,omitempty"`
	StartedAt   meta.Time `json:"startedAt"`
	FinishedAt  meta.Time `json:"finishedAt"`
	ContainerID string    `json:"containerID,omitempty"`
}
