package cli

import "github.com/spf13/cobra"

func newCmdAnnotate(f *Factory, streams IOStreams) *cobra.Command {
	return newMetaEditCommand(f, streams, annotateEdit, &cobra.Command{
		Use:   "annotate [--overwrite] (-f FILENAME | TYPE NAME | TYPE/NAME) KEY_1=VAL_1 ... KEY_N=VAL_N",
		Short: "Update the annotations on a resource",
		Long: "Add, change (with --overwrite) or remove (KEY-) annotations of objects named on\n" +
			"the command line, picked by a selector (-l) or --all, or read from manifests\n" +
			"(-f). An annotation that already has another value is an error without\n" +
			"--overwrite.",
		Example: `  # Annotate a pod
  kctl annotate pods web description='my frontend'

  # Change the annotation
  kctl annotate pods web description='my frontend running nginx' --overwrite

  # Remove it from every pod of the namespace
  kctl annotate pods --all description-`,
	})
}
