package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/spf13/cobra"

	apierrors "kctl.dev/kctl/api/errors"
	"kctl.dev/kctl/api/meta"
	"kctl.dev/kctl/api/unstructured"
	"kctl.dev/kctl/client"
)

// deleteOptions are the flags of `kctl delete`.
type deleteOptions struct {
	files          filenameFlags
	selector       string
	all            bool
	allNamespaces  bool
	ignoreNotFound bool
	wait           bool
	timeout        time.Duration
	gracePeriod    int
	now            bool
	force          bool
	cascade        string
	dryRun         dryRunFlag
}

func newCmdDelete(f *Factory, streams IOStreams) *cobra.Command {
	o := &deleteOptions{}
	cmd := &cobra.Command{
		Use:   "delete ([-f FILENAME] | TYPE [(NAME | -l label | --all)])",
		Short: "Delete resources by file names, stdin, resources and names, or by resources and label selector",
		Long: "Delete objects named on the command line (TYPE NAME..., TYPE/NAME...), picked by\n" +
			"a label selector (-l) or all of a type (--all), or read from manifests (-f).\n\n" +
			"By default delete waits until each object is gone (objects with finalizers may\n" +
			"stay a while); --wait=false returns once the server accepted the deletion.",
		Example: `  # Delete a pod
  kctl delete pod web

  # Delete the objects of a manifest
  kctl delete -f web.yaml

  # Delete the pods and services labelled app=web
  kctl delete pods,services -l app=web

  # Delete every pod of the namespace
  kctl delete pods --all`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.run(cmd.Context(), f, streams, args, cmd.Flags().Changed("ignore-not-found"))
		},
	}
	fs := cmd.Flags()
	o.files.add(cmd, "delete")
	fs.StringVarP(&o.selector, "selector", "l", "", "Selector (label query) to filter on, supports '=', '==', '!=', 'in', 'notin'.")
	fs.BoolVar(&o.all, "all", false, "Delete all resources, in the namespace of the specified resource types.")
	fs.BoolVarP(&o.allNamespaces, "all-namespaces", "A", false, "If present, list the requested object(s) across all namespaces.")
	fs.BoolVar(&o.ignoreNotFound, "ignore-not-found", false, "Treat \"resource not found\" as a successful delete. Defaults to \"true\" when --all or a selector is given.")
	fs.BoolVar(&o.wait, "wait", true, "If true, wait for resources to be gone before returning.")
	fs.DurationVar(&o.timeout, "timeout", 0, "The length of time to wait before giving up on a delete, zero means wait as long as it takes.")
	fs.IntVar(&o.gracePeriod, "grace-period", -1, "Period of time in seconds given to the resource to terminate gracefully. Ignored if negative.")
	fs.BoolVar(&o.now, "now", false, "If true, resources are signaled for immediate shutdown (same as --grace-period=1).")
	fs.BoolVar(&o.force, "force", false, "If true, immediately remove resources from API and bypass graceful deletion (--grace-period=0).")
	fs.StringVar(&o.cascade, "cascade", "background", `Must be "background", "orphan", or "foreground": how dependents are deleted.`)
	addDryRunFlag(fs, &o.dryRun)
	return cmd
}

func (o *deleteOptions) run(ctx context.Context, f *Factory, streams IOStreams, args []string, ignoreSet bool) error {
	byFile := len(o.files.paths) > 0
	switch {
	case byFile && len(args) > 0:
		return errors.New("when paths, URLs, or stdin is provided as input, you may not specify resource arguments as well")
	case !byFile && len(args) == 0:
		// kubectl's hint here is examples rather than -h.
		return &usageError{
			msg: "You must provide one or more resources by argument or filename.",
			hint: "Example resource specifications include:\n" +
				"   '-f rsrc.yaml'\n" +
				"   '--filename=rsrc.json'\n" +
				"   '<resource> <name>'\n" +
				"   '<resource>'",
		}
	case o.all && o.selector != "":
		return errors.New("setting 'all' parameter but found a non empty selector.")
	case o.now && o.gracePeriod >= 0:
		return errors.New("--now and --grace-period cannot be specified together")
	case o.force && o.gracePeriod > 0:
		return errors.New("--force and --grace-period greater than 0 cannot be specified together")
	}
	if err := refuseClientDryRun(o.dryRun); err != nil {
		return err
	}
	policy, err := deletePolicy(o.cascade)
	if err != nil {
		return err
	}
	dopts := meta.DeleteOptions{PropagationPolicy: &policy}
	switch grace := int64(o.gracePeriod); {
	case o.force:
		grace = 0
		dopts.GracePeriodSeconds = &grace
	case o.now:
		grace = 1
		dopts.GracePeriodSeconds = &grace
	case grace >= 0:
		dopts.GracePeriodSeconds = &grace
	}
	if o.dryRun == dryRunServer {
		dopts.DryRun = []string{"All"}
	}
	if (o.all || o.selector != "") && !ignoreSet {
		o.ignoreNotFound = true
	}

	c, disco, ns, explicit, err := objConnect(f)
	if err != nil {
		return err
	}
	errs := &objErrors{errOut: streams.ErrOut}

	selecting := o.all || o.selector != ""
	refs, err := objSelect(ctx, c, disco, streams.In, objSelection{
		files: o.files, args: args, selecting: selecting, selector: o.selector,
		allNamespaces: o.allNamespaces, ns: ns, explicit: explicit,
	}, errs)
	if err != nil {
		return err
	}
	if (byFile || selecting) && len(refs) == 0 && errs.err() == nil {
		fmt.Fprintln(streams.Out, "No resources found")
		return nil
	}

	var deleted []objRef
	for _, ref := range refs {
		if ref.name == "" {
			if errs.add(fmt.Errorf("error when deleting %q: the %s has no name", ref.source, ref.res.Kind)) {
				return errs.err()
			}
			continue
		}
		if err := ref.dynamic(c).Delete(ctx, ref.name, dopts); err != nil {
			if o.ignoreNotFound && apierrors.IsNotFound(err) {
				continue
			}
			if errs.add(objSourceError(err, "deleting", ref.source)) {
				return errs.err()
			}
			continue
		}
		fmt.Fprintf(streams.Out, "%s deleted%s\n", ref.quotedName(), dryRunSuffix(o.dryRun))
		deleted = append(deleted, ref)
	}
	if o.wait && o.dryRun != dryRunServer {
		waitCtx := ctx
		if o.timeout > 0 {
			var cancel context.CancelFunc
			waitCtx, cancel = context.WithTimeout(ctx, o.timeout)
			defer cancel()
		}
		for _, ref := range deleted {
			if errs.add(deleteWaitGone(waitCtx, c, ref)) {
				break
			}
		}
	}
	return errs.err()
}

// deletePolicy maps --cascade to a propagation policy.
func deletePolicy(cascade string) (string, error) {
	switch cascade {
	case "background", "true":
		return meta.DeletePropagationBackground, nil
	case "foreground":
		return meta.DeletePropagationForeground, nil
	case "orphan", "false":
		return meta.DeletePropagationOrphan, nil
	}
	return "", fmt.Errorf(`invalid cascade value (%s). Must be "background", "foreground", or "orphan"`, cascade)
}

// deleteWaitGone waits until the deleted object is gone: read it, and while
// it is still there (finalizers, a grace period) watch it from that read
// until a DELETED event, reading again whenever the watch ends.
func deleteWaitGone(ctx context.Context, c *client.Client, ref objRef) error {
	r := ref.dynamic(c)
	var uid string
	for {
		cur, err := r.Get(ctx, ref.name)
		switch {
		case apierrors.IsNotFound(err):
			return nil
		case err != nil:
			return deleteWaitError(ctx, ref, err)
		case uid != "" && cur.UID() != uid:
			return nil // gone, and made again
		}
		uid = cur.UID()
		w, err := r.Watch(ctx, client.ListOptions{
			FieldSelector:       "metadata.name=" + ref.name,
			ResourceVersion:     cur.ResourceVersion(),
			AllowWatchBookmarks: true,
		})
		if err != nil {
			return deleteWaitError(ctx, ref, err)
		}
		gone, err := deleteWatchUntilGone(w)
		w.Stop()
		if gone {
			return nil
		}
		if err != nil {
			return deleteWaitError(ctx, ref, err)
		}
	}
}

// deleteWatchUntilGone reads events until the object is deleted (true) or
// the stream ends.
func deleteWatchUntilGone(w client.Watch[*unstructured.Unstructured]) (bool, error) {
	for {
		ev, err := w.Next()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return false, nil
			}
			return false, err
		}
		switch ev.Type {
		case meta.Deleted:
			return true, nil
		case meta.Error:
			if ev.Status == nil || ev.Status.Code == http.StatusGone {
				return false, nil // an expired resourceVersion: read again
			}
			return false, apierrors.FromStatus(*ev.Status)
		}
	}
}

func deleteWaitError(ctx context.Context, ref objRef, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("timed out waiting for the deletion of %s", ref.kindName())
	}
	return err
}
