package pluginrpc

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/slotlab/slotlab/framework"
	"github.com/slotlab/slotlab/framework/config"
	"github.com/slotlab/slotlab/framework/pluginrpc/internal/wire"
)

// PathEnv is the environment variable that lists, colon-separated, the
// directories of plugins: every executable named slotlab-* in them is
// loaded when an experiment names a module that is neither built in nor
// served by a plugin it lists (LoadPath), and a plugin named by a path
// that does not exist as given is looked up there (Resolve).
const PathEnv = config.PluginPathEnv

// NamePrefix starts the name of every file in a PathEnv directory that is
// a plugin; nothing else there is started, as go-plugin's convention has
// it.
const NamePrefix = "slotlab-"

func init() { framework.RegisterPluginLoader(loader{}) }

// loader loads plugin binaries into the module registry.
type loader struct{}

// LoadPlugin loads the plugin named path (see Resolve) and registers the
// modules it serves.
func (loader) LoadPlugin(path string) (string, error) {
	found, err := Resolve(path)
	if err != nil {
		return "", err
	}
	p, err := get(found, timeout())
	if err != nil {
		return "", err
	}
	return p.abs, register(p)
}

// LoadPluginPath is LoadPath.
func (loader) LoadPluginPath() ([]string, []error) { return LoadPath() }

// register registers the modules p serves, under its absolute path; all
// must be of kinds that plugins can serve (hosted).
func register(p *process) error {
	var infos []framework.ModuleInfo
	for _, c := range p.desc.Components {
		if err := hosted(c.Kind); err != nil {
			return fmt.Errorf("plugin %s: %s %s: %w", p.abs, framework.Singular(c.Kind), c.Name, err)
		}
		infos = append(infos, moduleInfo(p, c))
	}
	return framework.RegisterPlugin(p.abs, infos)
}

// moduleInfo describes a component of p as a module: its ID and summary,
// the binary as its source, and a constructor of adapters (which carry
// the policies it declares).
func moduleInfo(p *process, c wire.Component) framework.ModuleInfo {
	return framework.ModuleInfo{
		ID:      framework.ModuleID(c.Kind + "." + c.Name),
		Summary: c.Summary,
		Source:  p.abs,
		New:     func() framework.Module { return newAdapter(p, c) },
	}
}

var (
	procMu sync.Mutex
	procs  = map[string]*process{} // by absolute path
	all    []*process              // every process started, for Shutdown
)

// Load returns the component name of kind namespace ("selectors",
// "initializers", "sharing": a kind plugins can serve, see hosted) served
// by the plugin binary at path,
// starting the plugin if this process has not yet, and registers the
// modules the plugin serves. (Experiments name modules through the
// registry; Load is for programs and tests that want one adapter.)
//
// options, if not nil, is the YAML mapping of the component's options: it
// is sent to the plugin, which decodes and validates it. When options is
// nil the component is set up later: config decodes a reference's options
// into the module (the adapter is a yaml.Unmarshaler that keeps them) and
// then provisions it (framework.Provision), which sets it up.
func Load(path, name, namespace string, options *yaml.Node) (framework.Module, error) {
	if err := hosted(namespace); err != nil {
		return nil, fmt.Errorf("plugin %s: %w", path, err)
	}
	found, err := Resolve(path)
	if err != nil {
		return nil, err
	}
	p, err := get(found, timeout())
	if err != nil {
		return nil, err
	}
	if err := register(p); err != nil {
		return nil, err
	}
	var comp *wire.Component
	for i, c := range p.desc.Components {
		if c.Kind == namespace && c.Name == name {
			comp = &p.desc.Components[i]
		}
	}
	if comp == nil {
		return nil, fmt.Errorf("plugin %s: serves no %s named %q; it serves %s", found, framework.Singular(namespace), name, served(p.desc.Components))
	}
	m := newAdapter(p, *comp)
	if options != nil {
		if err := m.(yaml.Unmarshaler).UnmarshalYAML(options); err != nil {
			return nil, err
		}
		if err := framework.Provision(m); err != nil {
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
		s = append(s, framework.Singular(c.Kind)+" "+c.Name)
	}
	return strings.Join(s, ", ")
}

// get returns the running process of the plugin at path, starting it
// (waiting at most wait for it) if needed, or again if it died or the
// binary changed.
func get(path string, wait time.Duration) (*process, error) {
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
	p, err := start(path, abs, wait)
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

// LoadPath loads the plugins of SLOTLAB_PLUGIN_PATH: in each of its
// directories, every executable file whose name starts with slotlab- (a
// link to one too); nothing else there is ever started. It registers the
// modules each serves and returns the plugins' absolute paths, in the
// order found, and an error for each slotlab-* file that is not a plugin
// or fails (which names the file and what to do), which does not stop the
// others. The processes keep running, for the modules to use, until
// Shutdown.
func LoadPath() ([]string, []error) {
	var (
		sources []string
		errs    []error
		seen    = map[string]bool{}
	)
	for _, dir := range filepath.SplitList(os.Getenv(PathEnv)) {
		if dir == "" {
			continue
		}
		entries, err := os.ReadDir(dir)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s directory %s: %w; correct %s", PathEnv, dir, errClean(err), PathEnv))
			continue
		}
		for _, e := range entries {
			if !strings.HasPrefix(e.Name(), NamePrefix) {
				continue
			}
			path := filepath.Join(dir, e.Name())
			st, err := os.Stat(path)
			if err != nil || !st.Mode().IsRegular() || st.Mode()&0o111 == 0 {
				continue // a directory, a broken link, a file that is not a program
			}
			abs, err := filepath.Abs(path)
			if err != nil || seen[abs] {
				continue
			}
			seen[abs] = true
			p, err := get(path, min(timeout(), pathTimeout))
			if err == nil {
				err = register(p)
			}
			if err != nil {
				errs = append(errs, fmt.Errorf("%w; every executable named %s* in a %s directory must be a slotlab plugin: rename %s, or move it out of %s", err, NamePrefix, PathEnv, path, dir))
				continue
			}
			sources = append(sources, p.abs)
		}
	}
	return sources, errs
}

// pathTimeout bounds how long LoadPath waits for each plugin to start.
const pathTimeout = 10 * time.Second

// errClean drops the operation from a file system error: "no such file or
// directory" rather than "open x: no such file or directory".
func errClean(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
