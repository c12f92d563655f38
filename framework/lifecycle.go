package framework

import (
	"errors"
	"io"
)

// A module's life, compiled in or served by a plugin, is the same:
//
//	New → options decoded into it → Provision → use → Close
//
// Provision (the package function) runs the module's Provision method and
// then its Validate method, each only if the module has it; Close runs its
// Close method if it has one. The framework calls them: config.Load
// provisions every module it builds, the trainer closes them when a run
// is over, and a plugin process does the same for the modules it serves.

// Provisioner is implemented by modules that must prepare themselves once
// their options are decoded: open a file, compute tables, start their
// instance in a plugin process. Provision runs once per instance, before
// Validate and before any use. What it acquires, Close releases.
type Provisioner interface {
	Provision() error
}

// Validator is implemented by modules whose options need checking after
// decoding. Validate runs after Provision and before any training starts.
type Validator interface {
	Validate() error
}

// Provision readies a module whose options are decoded: its Provision
// method, then its Validate method, each if it has one. A module that
// provisions but then fails to validate is closed again before the error
// returns.
func Provision(m Module) error {
	if p, ok := m.(Provisioner); ok {
		if err := p.Provision(); err != nil {
			return err
		}
	}
	if v, ok := m.(Validator); ok {
		if err := v.Validate(); err != nil {
			return errors.Join(err, Close(m))
		}
	}
	return nil
}

// Close releases what a module holds (io.Closer), if anything. It is safe
// on any module, and modules that implement Close must make a second call
// a no-op.
func Close(m Module) error {
	if c, ok := m.(io.Closer); ok {
		return c.Close()
	}
	return nil
}
