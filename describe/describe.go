package describe

import (
	"context"
	"fmt"
	"io"
	"time"

	"kctl.dev/kctl/api/appsv1"
	"kctl.dev/kctl/api/coordinationv1"
	"kctl.dev/kctl/api/corev1"
	"kctl.dev/kctl/api/unstructured"
	"kctl.dev/kctl/client"
)

// Input is everything a description shows. Render makes no request: the
// caller (Describer.Describe) fetched it all.
type Input struct {
	// Object is the object described.
	Object *unstructured.Unstructured
	// Events are the events about the object. With ShowEvents false there
	// is no Events section.
	Events     []corev1.Event
	ShowEvents bool
	// NodePods are a node's non-terminated pods, or NodePodsErr why they
	// could not be listed.
	NodePods    []corev1.Pod
	NodePodsErr error
	// Lease is a node's heartbeat lease, or LeaseErr why it could not be read.
	Lease    *coordinationv1.Lease
	LeaseErr error
	// Endpoints are a service's endpoints; nil prints <none>.
	Endpoints *Endpoints
	// Now is the time ages are counted to; Location the zone times are
	// written in (nil for time.Local).
	Now      time.Time
	Location *time.Location
}

// Render writes the description of in.Object to w.
func Render(w io.Writer, in *Input) error {
	u := in.Object
	if u == nil {
		return fmt.Errorf("describe: no object")
	}
	s := &sheet{now: in.Now, loc: in.Location}
	if s.loc == nil {
		s.loc = time.Local
	}
	if s.now.IsZero() {
		s.now = time.Now()
	}
	group, _ := splitAPIVersion(u.APIVersion())
	var err error
	switch group + "/" + u.Kind() {
	case "/Pod":
		err = into(u, func(p *corev1.Pod) { s.pod(p) })
	case "/Node":
		err = into(u, func(n *corev1.Node) { s.node(n, in) })
	case "/Service":
		err = into(u, func(svc *corev1.Service) { s.service(svc, in.Endpoints) })
	case "/Namespace":
		err = into(u, func(ns *corev1.Namespace) { s.namespace(ns) })
	case "/ConfigMap":
		err = into(u, func(cm *corev1.ConfigMap) { s.configMap(cm) })
	case "/Secret":
		err = into(u, func(sec *corev1.Secret) { s.secret(sec) })
	case "apps/Deployment":
		err = into(u, func(d *appsv1.Deployment) { s.deployment(d) })
	default:
		s.generic(u)
	}
	if err != nil {
		return fmt.Errorf("describe: %s %q: %w", u.Kind(), u.Name(), err)
	}
	if in.ShowEvents {
		if s.blankBeforeEvents {
			s.raw("\n")
		}
		s.eventsSection(in.Events)
	}
	return s.flush(w)
}

// into decodes u into a T and hands it to f.
func into[T any](u *unstructured.Unstructured, f func(*T)) error {
	var v T
	if err := u.Into(&v); err != nil {
		return err
	}
	f(&v)
	return nil
}

func splitAPIVersion(apiVersion string) (group, version string) {
	for i := 0; i < len(apiVersion); i++ {
		if apiVersion[i] == '/' {
			return apiVersion[:i], apiVersion[i+1:]
		}
	}
	return "", apiVersion
}

// Describer fetches what descriptions show and renders them.
type Describer struct {
	// Client talks to the server the objects come from.
	Client *client.Client
	// ShowEvents lists and shows the events about each object.
	ShowEvents bool
	// Now returns the time ages are counted to; nil means time.Now.
	Now func() time.Time
	// Location is the zone times are written in; nil means time.Local.
	Location *time.Location
}

// Resources fetched for some kinds' descriptions.
var (
	podsGVR      = client.GVR{Version: "v1", Resource: "pods"}
	leasesGVR    = client.GVR{Group: "coordination.k8s.io", Version: "v1", Resource: "leases"}
	endpointsGVR = client.GVR{Version: "v1", Resource: "endpoints"}
)

// nodeLeaseNamespace holds the nodes' heartbeat leases.
const nodeLeaseNamespace = "kube-node-lease"

// Describe writes the description of obj, an object read from the server:
// it fetches the events about it (when ShowEvents is set; a failure to list
// them leaves the section out, as kubectl does) and what the kind's layout
// shows besides, then renders.
func (d *Describer) Describe(ctx context.Context, w io.Writer, obj *unstructured.Unstructured) error {
	in := &Input{Object: obj, ShowEvents: d.ShowEvents, Location: d.Location}
	if d.Now != nil {
		in.Now = d.Now()
	} else {
		in.Now = time.Now()
	}
	group, _ := splitAPIVersion(obj.APIVersion())
	subject := Subject{Namespace: obj.Namespace(), Name: obj.Name(), UID: obj.UID()}
	if group == "" {
		switch obj.Kind() {
		case "Node":
			// Kubelets report a node's events with its name as the uid.
			subject.UID = obj.Name()
			d.nodeExtras(ctx, obj.Name(), in)
		case "Service":
			var ep Endpoints
			u, err := client.Dynamic(d.Client, endpointsGVR, true).Namespace(obj.Namespace()).Get(ctx, obj.Name())
			if err == nil && u.Into(&ep) == nil {
				in.Endpoints = &ep
			}
		}
	}
	if d.ShowEvents {
		events, err := ListEvents(ctx, d.Client, subject)
		if err != nil {
			if ctx.Err() != nil {
				return err
			}
			in.ShowEvents = false
		}
		in.Events = events
	}
	return Render(w, in)
}

// nodeExtras fetches a node's lease and its non-terminated pods.
func (d *Describer) nodeExtras(ctx context.Context, name string, in *Input) {
	lease, err := client.NewResource[*coordinationv1.Lease](d.Client, leasesGVR, true).Namespace(nodeLeaseNamespace).Get(ctx, name)
	if err != nil {
		in.LeaseErr = err
	} else {
		in.Lease = lease
	}
	pods := client.NewResource[*corev1.Pod](d.Client, podsGVR, true).Namespace("")
	opts := client.ListOptions{
		FieldSelector: "spec.nodeName=" + name + ",status.phase!=Failed,status.phase!=Succeeded",
		Limit:         eventsPageSize,
	}
	for {
		page, err := pods.List(ctx, opts)
		if err != nil {
			in.NodePods, in.NodePodsErr = nil, err
			return
		}
		for _, p := range page.Items {
			in.NodePods = append(in.NodePods, *p)
		}
		if page.Continue == "" {
			return
		}
		opts.Continue = page.Continue
	}
}
