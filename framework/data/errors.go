package data

import "strings"

// FileError reports a data file that is missing, damaged or not what it
// should be. Name is the file (for an archive member, the archive's path and
// the member's name), Problem says what was expected and what was found, Err
// is the underlying error if any, and Fix tells the user what to do.
type FileError struct {
	Name    string
	Problem string
	Err     error
	Fix     string
}

// Error implements error.
func (e *FileError) Error() string {
	var b strings.Builder
	b.WriteString("data: ")
	b.WriteString(e.Name)
	b.WriteString(": ")
	b.WriteString(e.Problem)
	if e.Err != nil {
		b.WriteString(" (")
		b.WriteString(e.Err.Error())
		b.WriteString(")")
	}
	if e.Fix != "" {
		b.WriteString("; to fix: ")
		b.WriteString(e.Fix)
	}
	return b.String()
}

// Unwrap returns the underlying error.
func (e *FileError) Unwrap() error { return e.Err }

// withFix sets the fix hint of a *FileError that has none and returns err.
func withFix(err error, fix string) error {
	if fe, ok := err.(*FileError); ok && fe.Fix == "" {
		fe.Fix = fix
	}
	return err
}
