package cli

import (
	"errors"

	"github.com/spf13/cobra"
)

// newCmdAPIResources is a placeholder until the command is built.
func newCmdAPIResources(f *Factory, streams IOStreams) *cobra.Command {
	return &cobra.Command{Use: "api-resources", Hidden: true, RunE: func(*cobra.Command, []string) error { return errors.New("not built yet") }}
}
