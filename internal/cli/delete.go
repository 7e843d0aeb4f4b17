package cli

import (
	"errors"

	"github.com/spf13/cobra"
)

// newCmdDelete is a placeholder until the command is built.
func newCmdDelete(f *Factory, streams IOStreams) *cobra.Command {
	return &cobra.Command{Use: "delete", Hidden: true, RunE: func(*cobra.Command, []string) error { return errors.New("not built yet") }}
}
