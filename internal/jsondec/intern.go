package jsondec

import (
	"encoding/binary"
	"encoding/json"
	"math/bits"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// The keys and short values that Kubernetes objects repeat are taken from
// these tables instead of being allocated for every object decoded. Values
// are kept boxed, ready to go into a map or slice, since boxing a string
// allocates too. The tables are built on first use (buildTables) and only
// read after, so decoders share them.

// fieldNames are the field names of the common kinds (metadata, pods and
// their templates, workloads, services, nodes, events, RBAC, tables, the
// metadata of managed fields) and well-known label and annotation keys. Each
// is also interned as the FieldsV1 key "f:"+name.
var fieldNames = strings.Fields(`
apiVersion kind metadata spec status items data binaryData stringData type immutable
name namespace generateName uid resourceVersion generation creationTimestamp
deletionTimestamp deletionGracePeriodSeconds labels annotations ownerReferences
finalizers managedFields selfLink continue remainingItemCount
controller blockOwnerDeletion
manager operation time fieldsType fieldsV1 subresource
app tier release shard component version part-of managed-by instance
pod-template-hash controller-revision-hash pod-template-generation k8s-app job-name
app.kubernetes.io/name app.kubernetes.io/instance app.kubernetes.io/version
app.kubernetes.io/component app.kubernetes.io/part-of app.kubernetes.io/managed-by
kubernetes.io/hostname kubernetes.io/os kubernetes.io/arch kubernetes.io/metadata.name
topology.kubernetes.io/zone topology.kubernetes.io/region node.kubernetes.io/instance-type
node-role.kubernetes.io/control-plane deployment.kubernetes.io/revision
deployment.kubernetes.io/desired-replicas deployment.kubernetes.io/max-replicas
kubectl.kubernetes.io/last-applied-configuration kubectl.kubernetes.io/restartedAt
kubectl.kubernetes.io/default-container
containers initContainers ephemeralContainers image imagePullPolicy command args
workingDir ports containerPort hostPort hostIP protocol env envFrom value valueFrom
fieldRef fieldPath resourceFieldRef containerName divisor resource configMapKeyRef
secretKeyRef key optional configMapRef secretRef prefix resources requests limits
claims cpu memory ephemeral-storage storage pods hugepages-2Mi hugepages-1Gi
volumeMounts mountPath subPath subPathExpr readOnly recursiveReadOnly
mountPropagation volumeDevices devicePath livenessProbe readinessProbe startupProbe
httpGet path port host scheme httpHeaders tcpSocket exec grpc service
initialDelaySeconds timeoutSeconds periodSeconds successThreshold failureThreshold
terminationGracePeriodSeconds lifecycle postStart preStop sleep seconds
terminationMessagePath terminationMessagePolicy securityContext stdin stdinOnce tty
resizePolicy resourceName restartPolicy
allowPrivilegeEscalation capabilities add drop privileged procMount
readOnlyRootFilesystem runAsNonRoot runAsUser runAsGroup fsGroup
fsGroupChangePolicy supplementalGroups supplementalGroupsPolicy seccompProfile
localhostProfile appArmorProfile seLinuxOptions windowsOptions sysctls
volumes configMap secret secretName defaultMode emptyDir medium sizeLimit hostPath
persistentVolumeClaim claimName projected sources serviceAccountToken
expirationSeconds audience downwardAPI mode csi driver nfs server
dnsPolicy dnsConfig nameservers searches options nodeName nodeSelector
serviceAccountName serviceAccount automountServiceAccountToken hostNetwork hostPID
hostIPC hostUsers shareProcessNamespace schedulerName tolerations operator effect
tolerationSeconds priority priorityClassName preemptionPolicy enableServiceLinks
hostname subdomain hostAliases hostnames imagePullSecrets readinessGates
conditionType runtimeClassName overhead topologySpreadConstraints maxSkew
topologyKey whenUnsatisfiable labelSelector matchLabelKeys minDomains
nodeAffinityPolicy nodeTaintsPolicy affinity nodeAffinity podAffinity
podAntiAffinity requiredDuringSchedulingIgnoredDuringExecution
preferredDuringSchedulingIgnoredDuringExecution nodeSelectorTerms
matchExpressions matchFields values weight preference podAffinityTerm
namespaceSelector namespaces matchLabels schedulingGates resourceClaims os
activeDeadlineSeconds setHostnameAsFQDN
phase conditions lastProbeTime lastTransitionTime lastUpdateTime lastHeartbeatTime
reason message podIP podIPs ip hostIPs startTime qosClass nominatedNodeName
containerStatuses initContainerStatuses ephemeralContainerStatuses ready
restartCount started state lastState running waiting terminated startedAt
finishedAt exitCode signal containerID imageID allocatedResources user
volumeMounts resize observedGeneration
replicas selector template strategy rollingUpdate maxSurge maxUnavailable
minReadySeconds revisionHistoryLimit progressDeadlineSeconds paused
readyReplicas availableReplicas updatedReplicas unavailableReplicas
fullyLabeledReplicas collisionCount currentReplicas updatedRevision currentRevision
serviceName podManagementPolicy updateStrategy partition volumeClaimTemplates
currentNumberScheduled desiredNumberScheduled numberAvailable numberMisscheduled
numberReady numberUnavailable updatedNumberScheduled
completions parallelism backoffLimit completionMode suspend active succeeded failed
completionTime schedule jobTemplate successfulJobsHistoryLimit failedJobsHistoryLimit
clusterIP clusterIPs externalIPs externalName externalTrafficPolicy
internalTrafficPolicy ipFamilies ipFamilyPolicy loadBalancerIP
loadBalancerSourceRanges loadBalancerClass sessionAffinity sessionAffinityConfig
allocateLoadBalancerNodePorts publishNotReadyAddresses targetPort nodePort
appProtocol loadBalancer ingress ipMode clientIP healthCheckNodePort
subsets addresses notReadyAddresses targetRef endpoints addressType
podCIDR podCIDRs providerID taints unschedulable capacity allocatable
daemonEndpoints kubeletEndpoint Port images names sizeBytes nodeInfo
architecture bootID containerRuntimeVersion kernelVersion kubeProxyVersion
kubeletVersion machineID operatingSystem osImage systemUUID address
volumesAttached volumesInUse runtimeHandlers features config
involvedObject source firstTimestamp lastTimestamp count eventTime series
lastObservedTime action related reportingComponent reportingInstance
rules apiGroups resources verbs resourceNames nonResourceURLs roleRef subjects
apiGroup aggregationRule clusterRoleSelectors
holderIdentity leaseDurationSeconds acquireTime renewTime leaseTransitions
accessModes storageClassName volumeName volumeMode dataSource dataSourceRef
columnDefinitions rows cells object format description
code details causes field group groupVersion preferredVersion
`)

// moreKeys are keys interned without an "f:" form.
var moreKeys = strings.Fields(`
. $ref properties additionalProperties x-kubernetes-list-type
x-kubernetes-list-map-keys x-kubernetes-map-type x-kubernetes-patch-strategy
x-kubernetes-patch-merge-key
`)

// commonValues are string values that many objects hold.
var commonValues = strings.Fields(`
v1 apps/v1 batch/v1 rbac.authorization.k8s.io/v1 coordination.k8s.io/v1
networking.k8s.io/v1 policy/v1 autoscaling/v2 meta.k8s.io/v1 events.k8s.io/v1
rbac.authorization.k8s.io apps batch
Pod PodList Deployment ReplicaSet StatefulSet DaemonSet Job CronJob Service
Endpoints EndpointSlice ConfigMap Secret Namespace Node Event Lease ServiceAccount
Role RoleBinding ClusterRole ClusterRoleBinding PersistentVolumeClaim
PersistentVolume Ingress List Table Status PartialObjectMetadata
FieldsV1 Update Apply
kubectl kubectl-create kubectl-edit kubectl-client-side-apply kubectl-label
kubectl-annotate kubectl-patch kubectl-scale kubectl-rollout kubelet
kube-controller-manager kube-scheduler default-scheduler
default kube-system kube-public
TCP UDP SCTP HTTP HTTPS
Always IfNotPresent Never OnFailure
ClusterFirst ClusterFirstWithHostNet Default None
File FallbackToLogsOnError /dev/termination-log
Running Pending Succeeded Failed Unknown Completed
Burstable BestEffort Guaranteed
True False Ready Initialized ContainersReady PodScheduled
PodReadyToStartContainers Available Progressing
NewReplicaSetAvailable MinimumReplicasAvailable ReplicaSetUpdated
RollingUpdate Recreate OnDelete
ClusterIP NodePort LoadBalancer ExternalName Cluster Local
SingleStack PreferDualStack RequireDualStack IPv4 IPv6
Exists Equal In NotIn DoesNotExist
NoSchedule PreferNoSchedule NoExecute
node.kubernetes.io/not-ready node.kubernetes.io/unreachable
RuntimeDefault Unconfined Localhost
Opaque kubernetes.io/service-account-token kubernetes.io/dockerconfigjson
kubernetes.io/tls
InternalIP ExternalIP Hostname
linux amd64 arm64 windows
Normal Warning Scheduled Pulling Pulled Created Started Killing
true false
atomic granular map set merge
`)

// maxInternLen is the length of the longest interned string, maxValueLen
// that of the longest of commonValues: longer strings are not looked up.
var maxInternLen, maxValueLen int

// interned holds the interned strings, with their boxed forms, in the order
// of the lists above (most used first), and an open addressing hash table of
// their positions (linear probing, at most a third full). Both are compact
// so that the parts a decoding uses stay in the processor's caches. It is
// faster than a Go map: the hash and, for strings of up to 16 bytes, the
// comparison use only two words read from the string.
var interned struct {
	entries []internEntry
	index   []uint16 // 1 + position in entries, 0 for none
	shift   uint     // 64 - log2(len(index))
}

type internEntry struct {
	lo, hi uint64 // words(s)
	s      string
	v      any // s, boxed
}

// lookup returns the interned copy of b and its boxed form, if there is one.
func lookup(b []byte) (*internEntry, bool) {
	n := len(b)
	if n == 1 && b[0] < utf8.RuneSelf {
		return &singles[b[0]], true // "." is a common key in FieldsV1
	}
	if n > maxInternLen || n == 0 {
		return nil, false
	}
	lo, hi := words(b)
	index := interned.index
	mask := len(index) - 1
	for i := int(internHash(lo, hi, n) >> interned.shift); ; i = (i + 1) & mask {
		x := int(index[i]) - 1
		if x < 0 {
			return nil, false
		}
		e := &interned.entries[x]
		if e.lo == lo && e.hi == hi && len(e.s) == n && (n <= 16 || e.s == string(b)) {
			return e, true
		}
	}
}

// words returns two words of b (1 to 16 bytes of it) that, with its length,
// determine it when it is at most 16 bytes long: its first and last eight
// bytes, or four, or its first, middle and last.
func words(b []byte) (lo, hi uint64) {
	switch n := len(b); {
	case n >= 8:
		return binary.LittleEndian.Uint64(b), binary.LittleEndian.Uint64(b[n-8:])
	case n >= 4:
		return uint64(binary.LittleEndian.Uint32(b)), uint64(binary.LittleEndian.Uint32(b[n-4:]))
	default:
		return uint64(b[0]) | uint64(b[n/2])<<8 | uint64(b[n-1])<<16, 0
	}
}

// internHash mixes a string's words and length; its top bits are the ones to
// use.
func internHash(lo, hi uint64, n int) uint64 {
	h := (lo ^ uint64(n)<<56) * 0x9e3779b97f4a7c15
	h ^= hi * 0xc2b2ae3d27d4eb4f
	return h ^ h>>29
}

// singles holds the strings of one ASCII character.
var singles [utf8.RuneSelf]internEntry

func intern(s string) {
	if _, ok := lookup([]byte(s)); ok {
		return
	}
	maxInternLen = max(maxInternLen, len(s))
	lo, hi := words([]byte(s))
	interned.entries = append(interned.entries, internEntry{lo, hi, s, s})
	mask := len(interned.index) - 1
	i := int(internHash(lo, hi, len(s)) >> interned.shift)
	for interned.index[i] != 0 {
		i = (i + 1) & mask
	}
	interned.index[i] = uint16(len(interned.entries))
}

// smallInts holds the numbers 0 to 999 as json.Number, so that the small
// counts, ports and durations objects are full of do not allocate.
const smallIntDigits = 3

var smallInts [1000]any

var buildTablesOnce sync.Once

func buildTables() {
	n := 2*len(fieldNames) + len(moreKeys) + len(commonValues)
	bits := uint(bits.Len(uint(3*n - 1)))
	interned.entries = make([]internEntry, 0, n)
	interned.index = make([]uint16, 1<<bits)
	interned.shift = 64 - bits
	for _, k := range fieldNames {
		intern(k)
		intern("f:" + k)
	}
	for _, k := range moreKeys {
		intern(k)
	}
	for _, v := range commonValues {
		intern(v)
		maxValueLen = max(maxValueLen, len(v))
	}
	for c := range singles {
		s := string(rune(c))
		singles[c] = internEntry{s: s, v: s}
	}
	// The numbers' texts are carved from one string of all of them.
	var digits []byte
	for n := range smallInts {
		digits = strconv.AppendInt(digits, int64(n), 10)
	}
	all := string(digits)
	for n := range smallInts {
		k := 1 + min(n/10, 1) + min(n/100, 1) // digits in n
		smallInts[n] = json.Number(all[:k])
		all = all[k:]
	}
}
