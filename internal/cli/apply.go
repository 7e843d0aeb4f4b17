package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	apierrors "kctl.dev/kctl/api/errors"
	"kctl.dev/kctl/client"
)

// applyOptions are the flags of `kctl apply`.
type applyOptions struct {
	files          filenameFlags
	dryRun         dryRunFlag
	fieldManager   string
	forceConflicts bool
	serverSide     bool
	validate       string
}

func newCmdApply(f *Factory, streams IOStreams) *cobra.Command {
	o := &applyOptions{}
	cmd := &cobra.Command{
		Use:   "apply -f FILENAME",
		Short: "Apply a configuration to resources by server-side apply",
		Long: "Apply the objects of manifests (YAML or JSON; files, directories, or - for\n" +
			"standard input) by server-side apply: each object is the field manager's whole\n" +
			"intent for the fields it sets, created when absent. A field another manager owns\n" +
			"with another value is a conflict, unless --force-conflicts takes it over.\n\n" +
			"Each object prints as created, configured (changed) or unchanged.",
		Example: `  # Apply a file
  kctl apply -f deploy.yaml

  # Apply a directory tree, taking over fields other managers own
  kctl apply -f manifests/ -R --force-conflicts

  # See what the server would do, without storing anything
  kctl apply -f deploy.yaml --dry-run=server`,
		Args: noArgs("Unexpected args", true),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return o.run(cmd.Context(), f, streams)
		},
	}
	o.files.add(cmd, "apply")
	addDryRunFlag(cmd.Flags(), &o.dryRun)
	cmd.Flags().StringVar(&o.fieldManager, "field-manager", "kctl", "Name of the manager used to track field ownership.")
	cmd.Flags().BoolVar(&o.forceConflicts, "force-conflicts", false, "Take over the fields other managers own instead of failing on conflicts.")
	cmd.Flags().BoolVar(&o.serverSide, "server-side", true, "Apply runs in the server; kctl has no client-side apply, so this cannot be false.")
	cmd.Flags().StringVar(&o.validate, "validate", "strict", `How the server treats unknown or duplicate fields: "strict" (refuse), "warn" or "ignore".`)
	return cmd
}

func (o *applyOptions) run(ctx context.Context, f *Factory, streams IOStreams) error {
	if len(o.files.paths) == 0 {
		return errors.New("must specify one of -f and -k")
	}
	if !o.serverSide {
		return usagef("--server-side=false is not supported: kctl apply is server-side apply")
	}
	if o.dryRun == dryRunClient {
		return errors.New("--dry-run=client doesn't work with server-side apply (did you mean --dry-run=server instead?)")
	}
	if o.fieldManager == "" {
		return usagef("--field-manager must not be empty")
	}
	validation, err := objValidation(o.validate)
	if err != nil {
		return err
	}
	objs, err := objReadManifests(o.files.paths, o.files.recursive, streams.In)
	if err != nil {
		return err
	}
	if len(objs) == 0 {
		return errors.New("no objects passed to apply")
	}
	c, disco, ns, explicit, err := objConnect(f)
	if err != nil {
		return err
	}
	errs := &objErrors{errOut: streams.ErrOut}
	opts := client.ApplyOptions{
		FieldManager:    o.fieldManager,
		Force:           o.forceConflicts,
		DryRun:          o.dryRun == dryRunServer,
		FieldValidation: validation,
		Compare:         true,
	}
	for _, m := range objs {
		ref, err := objFromManifest(ctx, disco, m, ns, explicit)
		if err != nil {
			if errs.add(err) {
				return errs.err()
			}
			continue
		}
		if ref.name == "" {
			if errs.add(fmt.Errorf("error when applying %q: the %s has no name (server-side apply needs metadata.name)", ref.source, ref.res.Kind)) {
				return errs.err()
			}
			continue
		}
		res, err := ref.dynamic(c).Apply(ctx, ref.obj, opts)
		if err != nil {
			if errs.add(applyConflictHint(err)) {
				return errs.err()
			}
			continue
		}
		fmt.Fprintf(streams.Out, "%s %s%s\n", ref.kindName(), res.Outcome, dryRunSuffix(o.dryRun))
	}
	return errs.err()
}

// applyConflictHint adds to a conflict with other field managers what to do
// about it, as kubectl does (on one line).
func applyConflictHint(err error) error {
	var se *apierrors.StatusError
	if !client.IsApplyConflict(err) || !errors.As(err, &se) {
		return err
	}
	st := se.Status
	st.Message = strings.Join(strings.Fields(st.Message), " ") +
		" (re-run with --force-conflicts to take these fields over, or leave them out of the manifest)"
	return apierrors.FromStatus(st)
}
