package describe

import (
	"strings"

	"kctl.dev/kctl/api/corev1"
)

// volumes writes "Volumes:". prefix is "" for a pod and "  " for a pod
// template, whose volume names also get one more space.
func (s *sheet) volumes(prefix string, vs []corev1.Volume) {
	if len(vs) == 0 {
		s.raw(prefix + "Volumes:\t<none>\n")
		return
	}
	s.raw(prefix + "Volumes:\n")
	nameIndent := ""
	if prefix != "" {
		nameIndent = " "
	}
	for _, v := range vs {
		s.put(1, "%s%s:\n", nameIndent, v.Name)
		s.volumeSource(&v.VolumeSource)
	}
}

// volumeSource writes the Type line of a volume and its source's fields.
func (s *sheet) volumeSource(v *corev1.VolumeSource) {
	kv := func(k string, val any) { s.put(2, "%s:\t%v\n", k, val) }
	switch {
	case v.HostPath != nil:
		kv("Type", "HostPath (bare host directory volume)")
		kv("Path", v.HostPath.Path)
		kv("HostPathType", deref(v.HostPath.Type))
	case v.EmptyDir != nil:
		kv("Type", "EmptyDir (a temporary directory that shares a pod's lifetime)")
		kv("Medium", v.EmptyDir.Medium)
		size := "<unset>"
		if v.EmptyDir.SizeLimit != nil {
			size = canonicalQuantity(*v.EmptyDir.SizeLimit)
		}
		kv("SizeLimit", size)
	case v.Secret != nil:
		kv("Type", "Secret (a volume populated by a Secret)")
		kv("SecretName", v.Secret.SecretName)
		kv("Optional", isTrue(v.Secret.Optional))
	case v.ConfigMap != nil:
		kv("Type", "ConfigMap (a volume populated by a ConfigMap)")
		kv("Name", v.ConfigMap.Name)
		kv("Optional", isTrue(v.ConfigMap.Optional))
	case v.PersistentVolumeClaim != nil:
		kv("Type", "PersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)")
		kv("ClaimName", v.PersistentVolumeClaim.ClaimName)
		kv("ReadOnly", v.PersistentVolumeClaim.ReadOnly)
	case v.Projected != nil:
		kv("Type", "Projected (a volume that contains injected data from multiple sources)")
		for _, src := range v.Projected.Sources {
			switch {
			case src.Secret != nil:
				kv("SecretName", src.Secret.Name)
				kv("SecretOptionalName", optionalText(src.Secret.Optional))
			case src.DownwardAPI != nil:
				kv("DownwardAPI", "true")
			case src.ConfigMap != nil:
				kv("ConfigMapName", src.ConfigMap.Name)
				kv("ConfigMapOptional", optionalText(src.ConfigMap.Optional))
			case src.ServiceAccountToken != nil:
				var secs int64
				if src.ServiceAccountToken.ExpirationSeconds != nil {
					secs = *src.ServiceAccountToken.ExpirationSeconds
				}
				kv("TokenExpirationSeconds", secs)
			case src.ClusterTrustBundle != nil:
				kv("ClusterTrustBundle", "true")
			}
		}
	case v.DownwardAPI != nil:
		kv("Type", "DownwardAPI (a volume populated by information about the pod)")
		s.put(2, "Items:\n")
		for _, it := range v.DownwardAPI.Items {
			switch {
			case it.FieldRef != nil:
				s.put(3, "%s -> %s\n", it.FieldRef.FieldPath, it.Path)
			case it.ResourceFieldRef != nil:
				s.put(3, "%s -> %s\n", it.ResourceFieldRef.Resource, it.Path)
			}
		}
	case v.CSI != nil:
		kv("Type", "CSI (a Container Storage Interface (CSI) volume source)")
		kv("Driver", v.CSI.Driver)
		kv("FSType", deref(v.CSI.FSType))
		kv("ReadOnly", isTrue(v.CSI.ReadOnly))
		if len(v.CSI.VolumeAttributes) > 0 {
			// The attributes are indented once more after the tab.
			lead := strings.Repeat(indentUnit, 2)
			for i, k := range sortedKeys(v.CSI.VolumeAttributes) {
				title := ""
				if i == 0 {
					title = "VolumeAttributes:"
				}
				s.raw(lead + title + "\t" + lead + k + "=" + v.CSI.VolumeAttributes[k] + "\n")
			}
		}
	case v.NFS != nil:
		kv("Type", "NFS (an NFS mount that lasts the lifetime of a pod)")
		kv("Server", v.NFS.Server)
		kv("Path", v.NFS.Path)
		kv("ReadOnly", v.NFS.ReadOnly)
	case v.Ephemeral != nil:
		kv("Type", "EphemeralVolume (an inline specification for a volume that gets created and deleted with the pod)")
	case v.Image != nil:
		kv("Type", "Image (a container image or OCI artifact)")
		kv("Reference", v.Image.Reference)
		kv("PullPolicy", v.Image.PullPolicy)
	default:
		s.put(1, "<unknown>\n")
	}
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// optionalText prints an optional flag of a projected source as kubectl
// does: <nil> when unset.
func optionalText(b *bool) string {
	if b == nil {
		return "<nil>"
	}
	if *b {
		return "true"
	}
	return "false"
}
