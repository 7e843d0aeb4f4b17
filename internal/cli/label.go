package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"kctl.dev/kctl/api/unstructured"
	"kctl.dev/kctl/client"
)

// metaEdit is what tells `kctl label` and `kctl annotate` apart: both set
// and remove keys of one metadata map through a merge patch.
type metaEdit struct {
	field   string // metadata.labels, metadata.annotations
	noun    string // "label", "annotation"
	manager string // default --field-manager
	// Messages: the map changed, only keys were removed, nothing changed.
	changed, removed, unchanged string
}

var (
	labelEdit = &metaEdit{
		field: "labels", noun: "label", manager: "kctl-label",
		changed: "labeled", removed: "unlabeled", unchanged: "not labeled",
	}
	annotateEdit = &metaEdit{
		field: "annotations", noun: "annotation", manager: "kctl-annotate",
		changed: "annotated", removed: "annotated", unchanged: "annotated",
	}
)

// metaEditOptions are the flags of `kctl label` and `kctl annotate`.
type metaEditOptions struct {
	edit            *metaEdit
	files           filenameFlags
	selector        string
	all             bool
	allNamespaces   bool
	overwrite       bool
	resourceVersion string
	fieldManager    string
	dryRun          dryRunFlag
}

func newCmdLabel(f *Factory, streams IOStreams) *cobra.Command {
	return newMetaEditCommand(f, streams, labelEdit, &cobra.Command{
		Use:   "label [--overwrite] (-f FILENAME | TYPE NAME | TYPE/NAME) KEY_1=VAL_1 ... KEY_N=VAL_N",
		Short: "Update the labels on a resource",
		Long: "Add, change (with --overwrite) or remove (KEY-) labels of objects named on the\n" +
			"command line, picked by a selector (-l) or --all, or read from manifests (-f).\n" +
			"A label that already has another value is an error without --overwrite.",
		Example: `  # Add a label
  kctl label pods web tier=frontend

  # Change it
  kctl label pods web tier=backend --overwrite

  # Remove it from every pod labelled app=web
  kctl label pods -l app=web tier-`,
	})
}

// newMetaEditCommand builds `kctl label` or `kctl annotate` around cmd.
func newMetaEditCommand(f *Factory, streams IOStreams, edit *metaEdit, cmd *cobra.Command) *cobra.Command {
	o := &metaEditOptions{edit: edit}
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		return o.run(cmd.Context(), f, streams, args)
	}
	fs := cmd.Flags()
	o.files.add(cmd, "update")
	fs.StringVarP(&o.selector, "selector", "l", "", "Selector (label query) to filter on, supports '=', '==', '!=', 'in', 'notin'.")
	fs.BoolVar(&o.all, "all", false, "Select all resources, in the namespace of the specified resource types.")
	fs.BoolVarP(&o.allNamespaces, "all-namespaces", "A", false, "If true, check the specified action in all namespaces.")
	fs.BoolVar(&o.overwrite, "overwrite", false, fmt.Sprintf("If true, allow %ss to be overwritten, otherwise reject %s updates that overwrite existing %ss.", edit.noun, edit.noun, edit.noun))
	fs.StringVar(&o.resourceVersion, "resource-version", "", "If non-empty, the update will only succeed if this is the current resource-version for the object. Only valid when specifying a single resource.")
	fs.StringVar(&o.fieldManager, "field-manager", edit.manager, "Name of the manager used to track field ownership.")
	addDryRunFlag(fs, &o.dryRun)
	return cmd
}

// metaChanges are the KEY=VALUE and KEY- arguments.
type metaChanges struct {
	set    map[string]string
	remove []string
}

// splitArgs separates resource arguments from changes: an argument with
// '=' or ending in '-' is a change.
func (o *metaEditOptions) splitArgs(args []string) ([]string, metaChanges, error) {
	var resources []string
	ch := metaChanges{set: map[string]string{}}
	for _, a := range args {
		switch {
		case strings.Contains(a, "="):
			k, v, _ := strings.Cut(a, "=")
			if k == "" {
				return nil, ch, fmt.Errorf("invalid %s format: %s", o.edit.noun, a)
			}
			ch.set[k] = v
		case strings.HasSuffix(a, "-"):
			k := strings.TrimSuffix(a, "-")
			if k == "" {
				return nil, ch, fmt.Errorf("invalid %s format: %s", o.edit.noun, a)
			}
			if !slices.Contains(ch.remove, k) {
				ch.remove = append(ch.remove, k)
			}
		default:
			resources = append(resources, a)
		}
	}
	var both []string
	for _, k := range ch.remove {
		if _, ok := ch.set[k]; ok {
			both = append(both, k)
		}
	}
	switch {
	case len(both) > 0 && o.edit == labelEdit:
		return nil, ch, errors.New("can not both modify and remove a label in the same command")
	case len(both) > 0:
		return nil, ch, fmt.Errorf("can not both modify and remove the following annotation(s) in the same command: %s", strings.Join(both, ", "))
	}
	return resources, ch, nil
}

func (o *metaEditOptions) run(ctx context.Context, f *Factory, streams IOStreams, args []string) error {
	resources, changes, err := o.splitArgs(args)
	if err != nil {
		return err
	}
	// The checks in kubectl's order.
	byFile := len(o.files.paths) > 0
	selecting := o.all || o.selector != ""
	switch {
	case byFile && len(resources) > 0:
		return errors.New("when paths, URLs, or stdin is provided as input, you may not specify resource arguments as well")
	case !byFile && len(resources) == 0:
		return errors.New("one or more resources must be specified as <resource> <name> or <resource>/<name>")
	case len(changes.set) == 0 && len(changes.remove) == 0:
		return fmt.Errorf("at least one %s update is required", o.edit.noun)
	case o.all && o.selector != "":
		return errors.New("cannot set --all and --selector at the same time")
	}
	if err := refuseClientDryRun(o.dryRun); err != nil {
		return err
	}
	c, disco, ns, explicit, err := objConnect(f)
	if err != nil {
		return err
	}
	errs := &objErrors{errOut: streams.ErrOut}

	refs, err := objSelect(ctx, c, disco, streams.In, objSelection{
		files: o.files, args: resources, selecting: selecting, selector: o.selector,
		allNamespaces: o.allNamespaces, ns: ns, explicit: explicit,
	}, errs)
	if err != nil {
		return err
	}
	if o.resourceVersion != "" && len(refs) > 1 {
		return errors.New("--resource-version may only be used with a single resource")
	}
	for _, ref := range refs {
		msg, err := o.editOne(ctx, c, ref, changes, streams)
		if err != nil {
			if errs.add(err) {
				return errs.err()
			}
			continue
		}
		fmt.Fprintf(streams.Out, "%s %s%s\n", ref.kindName(), msg, dryRunSuffix(o.dryRun))
	}
	return errs.err()
}

// editOne changes one object and returns what to say about it.
func (o *metaEditOptions) editOne(ctx context.Context, c *client.Client, ref objRef, ch metaChanges, streams IOStreams) (string, error) {
	r := ref.dynamic(c)
	cur := ref.obj
	if cur == nil {
		var err error
		if cur, err = r.Get(ctx, ref.name); err != nil {
			return "", err
		}
	}
	have := metaMap(cur, o.edit.field)
	if !o.overwrite {
		var clashes []string
		for _, k := range sortedKeysOf(ch.set) {
			if v, ok := have[k]; ok && v != ch.set[k] {
				clashes = append(clashes, fmt.Sprintf("'%s' already has a value (%s)", k, v))
			}
		}
		if len(clashes) > 0 {
			if o.edit == labelEdit {
				return "", fmt.Errorf("%s, and --overwrite is false", strings.Join(clashes, ", and --overwrite is false; "))
			}
			return "", fmt.Errorf("--overwrite is false but found the following declared annotation(s): %s", strings.Join(clashes, "; "))
		}
	}
	patch := map[string]any{}
	added := false
	for k, v := range ch.set {
		if old, ok := have[k]; !ok || old != v {
			patch[k] = v
			added = true
		}
	}
	for _, k := range ch.remove {
		if _, ok := have[k]; !ok {
			if o.edit == labelEdit {
				fmt.Fprintf(streams.ErrOut, "label %q not found.\n", k)
			}
			continue
		}
		patch[k] = nil
	}
	if len(patch) == 0 && o.resourceVersion == "" {
		return o.edit.unchanged, nil
	}
	md := map[string]any{o.edit.field: patch}
	if o.resourceVersion != "" {
		md["resourceVersion"] = o.resourceVersion
	}
	body, err := json.Marshal(map[string]any{"metadata": md})
	if err != nil {
		return "", err
	}
	if _, err := r.Patch(ctx, ref.name, client.MergePatch, body,
		client.WriteOptions{FieldManager: o.fieldManager, DryRun: o.dryRun == dryRunServer}); err != nil {
		return "", err
	}
	switch {
	case len(patch) == 0:
		return o.edit.unchanged, nil
	case !added:
		return o.edit.removed, nil
	}
	return o.edit.changed, nil
}

// metaMap reads metadata.labels or metadata.annotations.
func metaMap(u *unstructured.Unstructured, field string) map[string]string {
	if field == "labels" {
		return u.Labels()
	}
	return u.Annotations()
}

func sortedKeysOf(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
