package cli

import (
	"errors"

	"github.com/spf13/cobra"
)

// newCmdDescribe is a placeholder until the command is built.
func newCmdDescribe(f *Factory, streams IOStreams) *cobra.Command {
	return &cobra.Command{Use: "describe", Hidden: true, RunE: func(*cobra.Command, []string) error { return errors.New("not built yet") }}
}
