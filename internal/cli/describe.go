package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	apierrors "kctl.dev/kctl/api/errors"
	"kctl.dev/kctl/client"
	"kctl.dev/kctl/describe"
)

// describeNow and describeLocation are the clock and zone of descriptions;
// tests replace them.
var (
	describeNow      = time.Now
	describeLocation *time.Location // nil: time.Local
)

// describeOptions are the flags of `kctl describe`.
type describeOptions struct {
	files         filenameFlags
	selector      string
	allNamespaces bool
	showEvents    bool
}

func newCmdDescribe(f *Factory, streams IOStreams) *cobra.Command {
	o := &describeOptions{}
	cmd := &cobra.Command{
		Use:   "describe (-f FILENAME | TYPE [NAME_PREFIX | -l label] | TYPE/NAME)",
		Short: "Show details of a specific resource or group of resources",
		Long: "Print a readable description of objects: their metadata, the sections their kind\n" +
			"calls for (containers, conditions, volumes, ports, ...), and the events about\n" +
			"them.\n\n" +
			"A NAME that matches no object describes every object whose name starts with it;\n" +
			"no NAME describes every object of the type (or those -l selects).",
		Example: `  # Describe a node
  kctl describe nodes node-1

  # Describe a pod, and the pods whose names start with "web-"
  kctl describe pod/cache
  kctl describe pods web-

  # Describe the objects of a manifest
  kctl describe -f pod.yaml

  # Describe the pods labelled app=web, in every namespace
  kctl describe pods -l app=web -A`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.run(cmd.Context(), f, streams, args)
		},
	}
	o.files.add(cmd, "describe")
	cmd.Flags().StringVarP(&o.selector, "selector", "l", "", "Selector (label query) to filter on, supports '=', '==', '!=', 'in', 'notin'.")
	cmd.Flags().BoolVarP(&o.allNamespaces, "all-namespaces", "A", false, "If present, list the requested object(s) across all namespaces.")
	cmd.Flags().BoolVar(&o.showEvents, "show-events", true, "If true, display events related to the described object.")
	return cmd
}

func (o *describeOptions) run(ctx context.Context, f *Factory, streams IOStreams, args []string) error {
	byFile := len(o.files.paths) > 0
	switch {
	case byFile && len(args) > 0:
		return errors.New("when paths, URLs, or stdin is provided as input, you may not specify resource arguments as well")
	case !byFile && len(args) == 0:
		return errors.New(`You must specify the type of resource to describe. Use "kctl api-resources" for a complete list of supported resources.`)
	}
	c, disco, ns, explicit, err := objConnect(f)
	if err != nil {
		return err
	}
	errs := &objErrors{errOut: streams.ErrOut}
	d := &describe.Describer{Client: c, ShowEvents: o.showEvents, Now: describeNow, Location: describeLocation}
	described := 0
	// show describes one object; it reports an error after which the
	// command should stop.
	show := func(ref objRef) (fatal bool) {
		obj := ref.obj
		if obj == nil {
			var err error
			if obj, err = ref.dynamic(c).Get(ctx, ref.name); err != nil {
				return errs.add(err)
			}
		}
		var buf bytes.Buffer
		if err := d.Describe(ctx, &buf, obj); err != nil {
			return errs.add(err)
		}
		if described > 0 {
			fmt.Fprint(streams.Out, "\n\n")
		}
		described++
		_, _ = streams.Out.Write(buf.Bytes())
		return false
	}

	if byFile {
		objs, err := objReadManifests(o.files.paths, o.files.recursive, streams.In)
		if err != nil {
			return err
		}
		for _, m := range objs {
			ref, err := objFromManifest(ctx, disco, m, ns, explicit)
			if err != nil {
				if errs.add(err) {
					return errs.err()
				}
				continue
			}
			ref.obj = nil // describe the object on the server
			if show(ref) {
				return errs.err()
			}
		}
		return errs.err()
	}

	targets, err := objParseArgs(ctx, disco, args)
	if err != nil {
		return err
	}
	listNS := ns
	if o.allNamespaces {
		listNS = ""
	}
	for _, t := range targets {
		if len(t.names) > 0 && o.selector != "" {
			return errors.New("name cannot be provided when a selector is specified")
		}
		if len(t.names) == 0 {
			refs, err := objList(ctx, c, t.res, listNS, o.selector)
			if err != nil {
				if errs.add(err) {
					return errs.err()
				}
				continue
			}
			if len(refs) == 0 {
				fmt.Fprintln(streams.ErrOut, objNoResources(listNS, o.allNamespaces, t.res))
			}
			for _, ref := range refs {
				if show(ref) {
					return errs.err()
				}
			}
			continue
		}
		for _, name := range t.names {
			refs, err := describeByName(ctx, c, t.res, ns, name)
			if err != nil {
				if errs.add(err) {
					return errs.err()
				}
				continue
			}
			for _, ref := range refs {
				if show(ref) {
					return errs.err()
				}
			}
		}
	}
	return errs.err()
}

// describeByName finds the object name names: the object of that name, else
// the objects whose names start with it, as kubectl describe does; when
// there are none, the NotFound of the name.
func describeByName(ctx context.Context, c *client.Client, res client.APIResource, ns, name string) ([]objRef, error) {
	ref := objRef{res: res, name: name}
	if res.Namespaced {
		ref.namespace = ns
	}
	obj, err := ref.dynamic(c).Get(ctx, name)
	if err == nil {
		ref.obj = obj
		return []objRef{ref}, nil
	}
	if !apierrors.IsNotFound(err) {
		return nil, err
	}
	all, lerr := objList(ctx, c, res, ref.namespace, "")
	if lerr != nil {
		return nil, err
	}
	var out []objRef
	for _, r := range all {
		if strings.HasPrefix(r.name, name) {
			out = append(out, r)
		}
	}
	if len(out) == 0 {
		return nil, err
	}
	return out, nil
}
