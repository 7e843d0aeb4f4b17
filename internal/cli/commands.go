package cli

import "github.com/spf13/cobra"

// addClientCommands adds the commands that talk to an API server, in the
// groups `kctl --help` shows them.
func addClientCommands(root *cobra.Command, f *Factory, streams IOStreams) {
	root.AddCommand(
		newCmdGet(f, streams),
		newCmdWatch(f, streams),
		newCmdDescribe(f, streams),
		newCmdCreate(f, streams),
		newCmdApply(f, streams),
		newCmdDelete(f, streams),
		newCmdLabel(f, streams),
		newCmdAnnotate(f, streams),
		newCmdAPIResources(f, streams),
		newCmdVersion(f, streams),
		newCmdConfig(f, streams),
		newCmdCompletion(streams),
	)
}
