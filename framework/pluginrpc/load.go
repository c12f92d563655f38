package pluginrpc

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/slotlab/slotlab/framework"
	"github.com/slotlab/slotlab/framework/config"
	"github.com/slotlab/slotlab/framework/pluginrpc/internal/wire"
)

// PathEnv is the environment variable that lists, colon-separated, the
// directories searched for plugins named by a path that does not exist as
// given.
const PathEnv = "SLOTLAB_PLUGIN_PATH"

func init() {
	config.ExternalLoader = func(plugin, name, namespace string) (framework.Module, error) {
		return Load(plugin, name, namespace, nil)
	}
}

var (
	procMu sync.Mutex
	procs  = map[string]*process{} // by absolute path
	all    []*process              // every process started, for Shutdown
)

// Load returns the component name of kind namespace ("selectors",
// "initializers" or "sharing") served by the plugin binary at path,
// starting the plugin if this process has not yet.
//
// options, if not nil, is the YAML mapping of the component's options: it
// is sent to the plugin, which decodes and validates it. When options is
// nil the component is set up later: config decodes a reference's options
// into the module (the adapter is a yaml.Unmarshaler that keeps them) and
// then calls Validate, which sets it up.
func Load(path, name, namespace string, options *yaml.Node) (framework.Module, error) {
	switch namespace {
	case wire.KindSelector, wire.KindInitializer, wire.KindSharing:
	default:
		return nil, fmt.Errorf("plugin %s: slotlab plugins serve selectors, initializers and sharing strategies, not %s", path, namespace)
	}
	found, err := Resolve(path)
	if err != nil {
		return nil, err
	}
	p, err := get(found)
	if err != nil {
		return nil, err
	}
	var comp *wire.Component
	for i, c := range p.desc.Components {
		if c.Kind == namespace && c.Name == name {
			comp = &p.desc.Components[i]
		}
	}
	if comp == nil {
		return nil, fmt.Errorf("plugin %s: serves no %s named %q; it serves %s", found, wire.Singular(namespace), name, served(p.desc.Components))
	}
	m := newAdapter(p, *comp)
	if options != nil {
		if err := m.(yaml.Unmarshaler).UnmarshalYAML(options); err != nil {
			return nil, err
		}
		if err := m.(framework.Validator).Validate(); err != nil {
			return nil, err
		}
	}
	return m, nil
}

func served(cs []wire.Component) string {
	if len(cs) == 0 {
		return "nothing"
	}
	var s []string
	for _, c := range cs {
		s = append(s, wire.Singular(c.Kind)+" "+c.Name)
	}
	return strings.Join(s, ", ")
}

// get returns the running process of the plugin at path, starting it if
// needed, or again if it died or the binary changed.
func get(path string) (*process, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("plugin %s: %w", path, err)
	}
	st, err := os.Stat(abs)
	if err != nil {
		return nil, fmt.Errorf("plugin %s: %w", path, err)
	}
	stamp := fmt.Sprint(st.Size(), st.ModTime().UnixNano())
	procMu.Lock()
	defer procMu.Unlock()
	if p := procs[abs]; p != nil && p.stamp == stamp && p.alive() {
		return p, nil
	}
	p, err := start(path, abs, timeout())
	if err != nil {
		return nil, err
	}
	p.stamp = stamp
	procs[abs] = p
	all = append(all, p)
	return p, nil
}

// Shutdown ends every plugin process this process started. Components
// loaded before stop working. Call it before the program exits (plugins
// whose host dies end on their own within a second).
func Shutdown() {
	procMu.Lock()
	ps := all
	all, procs = nil, map[string]*process{}
	procMu.Unlock()
	var wg sync.WaitGroup
	for _, p := range ps {
		wg.Add(1)
		go func() { defer wg.Done(); p.kill() }()
	}
	wg.Wait()
}

// Resolve finds the plugin binary named path: as given (relative to the
// working directory), else in each directory of SLOTLAB_PLUGIN_PATH, first
// as DIR/path, then as DIR/base(path). It must be an executable file.
func Resolve(path string) (string, error) {
	if path == "" {
		return "", errors.New("plugin path is empty")
	}
	tried := []string{path}
	cands := []string{path}
	if !filepath.IsAbs(path) {
		for _, dir := range filepath.SplitList(os.Getenv(PathEnv)) {
			if dir == "" {
				continue
			}
			cands = append(cands, filepath.Join(dir, path))
			if b := filepath.Base(path); b != path {
				cands = append(cands, filepath.Join(dir, b))
			}
		}
	}
	for _, c := range cands[1:] {
		tried = append(tried, c)
	}
	for _, c := range cands {
		st, err := os.Stat(c)
		if err != nil {
			continue
		}
		switch {
		case st.IsDir():
			return "", fmt.Errorf("plugin %s: is a directory, not a plugin binary (build one with go build -o %s ./path/to/plugin)", c, filepath.Join(c, "NAME"))
		case !st.Mode().IsRegular():
			return "", fmt.Errorf("plugin %s: is not a regular file (%s)", c, st.Mode())
		case st.Mode()&0o111 == 0:
			return "", fmt.Errorf("plugin %s: is not executable (mode %s); chmod +x it, or rebuild it with go build", c, st.Mode().Perm())
		}
		return c, nil
	}
	where := "it is not there"
	if len(tried) > 1 {
		where = "looked at " + strings.Join(tried, ", ")
	} else if os.Getenv(PathEnv) == "" {
		where += " and " + PathEnv + " is not set"
	}
	return "", fmt.Errorf("plugin %s: no such file (%s); build it (go build -o %s ./path/to/plugin) or add its directory to %s", path, where, path, PathEnv)
}

// Found is a component found by Discover. Its ModuleInfo has no New: load
// the component with Load.
type Found struct {
	framework.ModuleInfo
	// Options are the component's options with their defaults.
	Options []Option
}

// Option is an option of an external component.
type Option struct {
	Name, Type, Default, Doc string
}

// Discover starts every executable file in dirs, asks it what it serves,
// and stops it. It returns the components, sorted by ID, with Source set to
// the binary's path; files that are not slotlab plugins, or that fail,
// come back as errors, which do not stop the others.
func Discover(dirs []string) ([]Found, []error) {
	var (
		out  []Found
		errs []error
	)
	for _, dir := range dirs {
		if dir == "" {
			continue
		}
		entries, err := os.ReadDir(dir)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s %s: %w", PathEnv, dir, err))
			continue
		}
		for _, e := range entries {
			path := filepath.Join(dir, e.Name())
			info, err := e.Info()
			if err != nil || !info.Mode().IsRegular() || info.Mode()&0o111 == 0 {
				continue
			}
			abs, err := filepath.Abs(path)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			p, err := start(path, abs, min(timeout(), discoverTimeout))
			if err != nil {
				errs = append(errs, err)
				continue
			}
			for _, c := range p.desc.Components {
				f := Found{ModuleInfo: framework.ModuleInfo{
					ID:      framework.ModuleID(c.Kind + "." + c.Name),
					Summary: c.Summary,
					Source:  path,
				}}
				for _, o := range c.Options {
					f.Options = append(f.Options, Option(o))
				}
				out = append(out, f)
			}
			p.kill()
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].ID != out[j].ID {
			return out[i].ID < out[j].ID
		}
		return out[i].Source < out[j].Source
	})
	return out, errs
}

// discoverTimeout bounds how long Discover waits for each file.
const discoverTimeout = 10 * time.Second

// DiscoverEnv is Discover over the directories of SLOTLAB_PLUGIN_PATH.
func DiscoverEnv() ([]Found, []error) {
	return Discover(filepath.SplitList(os.Getenv(PathEnv)))
}
