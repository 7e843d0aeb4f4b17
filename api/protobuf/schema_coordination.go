package protobuf

// coordinationGroup: coordination.k8s.io/v1 (k8s.io/api/coordination/v1).
var coordinationGroup = group{
	prefix:     "coordination",
	protoPkg:   "k8s.io.api.coordination.v1",
	apiVersion: "coordination.k8s.io/v1",
	kinds:      []string{"Lease"},
	src: `
Lease
  1 metadata meta.ObjectMeta
  2 spec     LeaseSpec

LeaseSpec
  1 holderIdentity       *string
  2 leaseDurationSeconds *int32
  3 acquireTime          *MicroTime
  4 renewTime            *MicroTime
  5 leaseTransitions     *int32
  6 strategy             *string
  7 preferredHolder      *string
`,
}
