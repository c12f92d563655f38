package framework

import (
	"errors"
	"slices"
	"testing"
)

// lifeModule records the lifecycle calls it gets.
type lifeModule struct {
	calls                     *[]string
	provisionErr, validateErr error
}

func (lifeModule) SlotlabModule() ModuleInfo { return ModuleInfo{} }

func (m lifeModule) Provision() error {
	*m.calls = append(*m.calls, "provision")
	return m.provisionErr
}

func (m lifeModule) Validate() error {
	*m.calls = append(*m.calls, "validate")
	return m.validateErr
}

func (m lifeModule) Close() error {
	*m.calls = append(*m.calls, "close")
	return nil
}

// validateOnly has Validate and nothing else of the lifecycle.
type validateOnly struct{ calls *[]string }

func (validateOnly) SlotlabModule() ModuleInfo { return ModuleInfo{} }
func (m validateOnly) Validate() error {
	*m.calls = append(*m.calls, "validate")
	return nil
}

// plain has no lifecycle method at all.
type plain struct{}

func (plain) SlotlabModule() ModuleInfo { return ModuleInfo{} }

func TestLifecycle(t *testing.T) {
	bad := errors.New("bad")
	for _, tc := range []struct {
		name    string
		make    func(calls *[]string) Module
		wantErr bool
		want    []string // the calls of Provision followed by Close
	}{
		{"provision, validate, close", func(c *[]string) Module { return lifeModule{calls: c} }, false,
			[]string{"provision", "validate", "close"}},
		{"a failed provision is neither validated nor closed", func(c *[]string) Module { return lifeModule{calls: c, provisionErr: bad} }, true,
			[]string{"provision", "close"}},
		{"a failed validation closes what was provisioned", func(c *[]string) Module { return lifeModule{calls: c, validateErr: bad} }, true,
			[]string{"provision", "validate", "close", "close"}},
		{"validate only", func(c *[]string) Module { return validateOnly{calls: c} }, false, []string{"validate"}},
		{"no lifecycle", func(*[]string) Module { return plain{} }, false, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var calls []string
			m := tc.make(&calls)
			err := Provision(m)
			if (err != nil) != tc.wantErr || (err != nil && !errors.Is(err, bad)) {
				t.Fatalf("Provision = %v, want error %v", err, tc.wantErr)
			}
			if err := Close(m); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(calls, tc.want) {
				t.Fatalf("calls %v, want %v", calls, tc.want)
			}
		})
	}
}
