package cli

import (
	"errors"

	"github.com/spf13/cobra"
)

// newCmdVersion is a placeholder until the command is built.
func newCmdVersion(f *Factory, streams IOStreams) *cobra.Command {
	return &cobra.Command{Use: "version", Hidden: true, RunE: func(*cobra.Command, []string) error { return errors.New("not built yet") }}
}
