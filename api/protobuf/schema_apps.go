package protobuf

// appsGroup: apps/v1 (k8s.io/api/apps/v1).
var appsGroup = group{
	prefix:     "apps",
	protoPkg:   "k8s.io.api.apps.v1",
	apiVersion: "apps/v1",
	kinds:      []string{"Deployment"},
	src: `
Deployment
  1 metadata meta.ObjectMeta
  2 spec     DeploymentSpec
  3 status   DeploymentStatus

DeploymentSpec
  1  replicas                *int32
  2  selector                *meta.LabelSelector
  3  template                core.PodTemplateSpec
  4  strategy                DeploymentStrategy
  5  minReadySeconds         int32
  6  revisionHistoryLimit    *int32
  7  paused                  bool
  9  progressDeadlineSeconds *int32
  10 podReplacementPolicy    *string

DeploymentStrategy
  1 type          string
  2 rollingUpdate *RollingUpdateDeployment

RollingUpdateDeployment
  1 maxUnavailable *IntOrString
  2 maxSurge       *IntOrString

DeploymentStatus
  1 observedGeneration  int64
  2 replicas            int32
  3 updatedReplicas     int32
  7 readyReplicas       int32
  4 availableReplicas   int32
  5 unavailableReplicas int32
  9 terminatingReplicas *int32
  6 conditions          []DeploymentCondition
  8 collisionCount      *int32

DeploymentCondition
  1 type               string
  2 status             string
  6 lastUpdateTime     Time
  7 lastTransitionTime Time
  4 reason             string
  5 message            string
`,
}
