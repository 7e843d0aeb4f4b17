package cli

import (
	"errors"

	"github.com/spf13/cobra"
)

// newCmdWatch is a placeholder until the command is built.
func newCmdWatch(f *Factory, streams IOStreams) *cobra.Command {
	return &cobra.Command{Use: "watch", Hidden: true, RunE: func(*cobra.Command, []string) error { return errors.New("not built yet") }}
}
