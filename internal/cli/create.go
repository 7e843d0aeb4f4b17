package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"kctl.dev/kctl/client"
)

// createOptions are the flags of `kctl create`.
type createOptions struct {
	files        filenameFlags
	dryRun       dryRunFlag
	fieldManager string
	validate     string
}

func newCmdCreate(f *Factory, streams IOStreams) *cobra.Command {
	o := &createOptions{}
	cmd := &cobra.Command{
		Use:   "create -f FILENAME",
		Short: "Create resources from files or standard input",
		Long: "Create the objects of manifests (YAML or JSON; files, directories, or - for\n" +
			"standard input). Every object is sent, in order; an object that fails does not\n" +
			"stop the others, and the command fails at the end.",
		Example: `  # Create the objects of a file
  kctl create -f pod.yaml

  # Create every manifest of a directory tree
  kctl create -f manifests/ -R

  # Create from standard input, checked by the server but not stored
  cat pod.json | kctl create -f - --dry-run=server`,
		Args: noArgs("Unexpected args", true),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return o.run(cmd.Context(), f, streams)
		},
	}
	o.files.add(cmd, "create")
	addDryRunFlag(cmd.Flags(), &o.dryRun)
	cmd.Flags().StringVar(&o.fieldManager, "field-manager", "kctl-create", "Name of the manager used to track field ownership.")
	cmd.Flags().StringVar(&o.validate, "validate", "strict", `How the server treats unknown or duplicate fields: "strict" (refuse), "warn" or "ignore".`)
	return cmd
}

func (o *createOptions) run(ctx context.Context, f *Factory, streams IOStreams) error {
	if len(o.files.paths) == 0 {
		return errors.New("must specify one of -f and -k")
	}
	if err := refuseClientDryRun(o.dryRun); err != nil {
		return err
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
		return errors.New("no objects passed to create")
	}
	c, disco, ns, explicit, err := objConnect(f)
	if err != nil {
		return err
	}
	errs := &objErrors{errOut: streams.ErrOut}
	opts := client.CreateOptions{
		WriteOptions:    client.WriteOptions{DryRun: o.dryRun == dryRunServer, FieldManager: o.fieldManager},
		FieldValidation: validation,
	}
	for _, m := range objs {
		ref, err := objFromManifest(ctx, disco, m, ns, explicit)
		if err != nil {
			if errs.add(err) {
				return errs.err()
			}
			continue
		}
		created, err := ref.dynamic(c).CreateWithOptions(ctx, ref.obj, opts)
		if err != nil {
			if errs.add(objSourceError(err, "creating", ref.source)) {
				return errs.err()
			}
			continue
		}
		ref.name = created.Name() // a generateName got its suffix
		fmt.Fprintf(streams.Out, "%s created%s\n", ref.kindName(), dryRunSuffix(o.dryRun))
	}
	return errs.err()
}
