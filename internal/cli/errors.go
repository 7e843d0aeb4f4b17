package cli

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	apierrors "kctl.dev/kctl/api/errors"
	"kctl.dev/kctl/api/meta"
)

// How kctl reports a failure, in kubectl's words (kubectl's cmdutil.CheckErr
// and its flag error function), with kctl in place of kubectl:
//
//	error: the server doesn't have a resource type "widgets"     a client-side error
//	Error from server (NotFound): pods "x" not found             an answer of the server
//	The ConfigMap "x" is invalid: data: Invalid value: ...       an Invalid answer
//	The connection to the server HOST was refused - did you ...  a refused connection
//	error: Required resource not specified.                      a usage error, with
//	See 'kctl get -h' for help and examples                      the usage hint
//	Error: unknown flag: --nope                                  a flag cobra cannot
//	See 'kctl get --help' for usage.                             parse
//	Error: unknown command "nope" for "kctl"                     cobra's, with its
//	                                                             suggestions if any
//
// No error names the command; Main prints the error and exits with 1.

// usageError is a mistake on the command line that kubectl answers with a
// hint after the error line: "See 'kctl CMD -h' for help and examples",
// unless hint says otherwise. Mistakes kubectl answers without a hint are
// plain errors.
type usageError struct {
	msg  string
	hint string // the lines after the error line; "" for the usual hint
}

func (e *usageError) Error() string { return e.msg }

// usagef is a usage error with the usual hint.
func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// flagError is a flag cobra could not parse, on the command named path.
type flagError struct {
	err  error
	path string
}

func (e *flagError) Error() string { return e.err.Error() }
func (e *flagError) Unwrap() error { return e.err }

// bareError is printed as it is, on as many lines as it has, without the
// "error: " prefix: kubectl prints several errors of one command so.
type bareError struct{ msg string }

func (e *bareError) Error() string { return e.msg }

// noArgs refuses arguments to a command that takes none, in the words
// kubectl has for that command: "unexpected arguments" (with the usage
// hint), "Unexpected args" (apply, create: with the hint), "extra arguments"
// (version: without).
func noArgs(words string, hint bool) cobra.PositionalArgs {
	return func(_ *cobra.Command, args []string) error {
		switch {
		case len(args) == 0:
			return nil
		case hint:
			return usagef("%s: %v", words, args)
		}
		return fmt.Errorf("%s: %v", words, args)
	}
}

// errorReport is what Main prints to stderr for err, returned by running cmd
// (the command found, or root when none was), ending in a newline.
func errorReport(root, cmd *cobra.Command, err error) string {
	var fe *flagError
	if errors.As(err, &fe) {
		return fmt.Sprintf("Error: %s\nSee '%s --help' for usage.\n", fe.err, fe.path)
	}
	if cmd == nil {
		cmd = root
	}
	if cmd == root && strings.HasPrefix(err.Error(), "unknown command ") {
		// cobra's, with its "Did you mean this?" suggestions: kubectl
		// prints it as cobra does.
		return "Error: " + err.Error() + "\n"
	}
	var ue *usageError
	if errors.As(err, &ue) {
		hint := ue.hint
		if hint == "" {
			hint = fmt.Sprintf("See '%s -h' for help and examples", cmd.CommandPath())
		}
		return "error: " + ue.msg + "\n" + hint + "\n"
	}
	return errorLine(err) + "\n"
}

// errorLine renders err as kubectl does, on one line (but a bareError):
// the server's answers in their own words, a refused connection as kubectl
// words it, anything else as "error: " and the message with its whitespace
// collapsed.
func errorLine(err error) string {
	var se *apierrors.StatusError
	if errors.As(err, &se) {
		// kubectl's words for an answer of the server.
		msg := strings.Join(strings.Fields(se.Status.Message), " ")
		if se.Status.Reason == meta.StatusReasonInvalid && se.Status.Code == 422 {
			return "The " + msg // kubectl: The ConfigMap "x" is invalid: ...
		}
		if se.Status.Reason == "" {
			return "Error from server: " + msg
		}
		return fmt.Sprintf("Error from server (%s): %s", se.Status.Reason, msg)
	}
	if host, ok := connectionRefused(err); ok {
		return fmt.Sprintf("The connection to the server %s was refused - did you specify the right host or port?", host)
	}
	var be *bareError
	if errors.As(err, &be) {
		return be.msg
	}
	var ue *usageError
	if errors.As(err, &ue) {
		return "error: " + ue.msg
	}
	msg := strings.Join(strings.Fields(err.Error()), " ")
	if !strings.HasPrefix(msg, "error: ") {
		msg = "error: " + msg
	}
	return msg
}

// errorText is err's message as errorLine words it, without the "error: "
// of client-side errors: for sentences that quote an error.
func errorText(err error) string {
	return strings.TrimPrefix(errorLine(err), "error: ")
}

// connectionRefused reports whether err is a refused connection, and the
// host:port refused: the server's as the request named it, as kubectl
// names it.
func connectionRefused(err error) (string, bool) {
	if !errors.Is(err, syscall.ECONNREFUSED) {
		return "", false
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		if u, perr := url.Parse(ue.URL); perr == nil && u.Host != "" {
			return u.Host, true
		}
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Addr != nil {
		return op.Addr.String(), true
	}
	return "", false
}
