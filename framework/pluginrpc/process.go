package pluginrpc

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/rpc"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"
	goplugin "github.com/hashicorp/go-plugin"

	"github.com/slotlab/slotlab/framework/pluginrpc/internal/wire"
)

// ProtocolVersions are the plugin protocol versions this slotlab speaks.
// The handshake picks the highest one the plugin also speaks; a plugin
// that speaks none of them fails at start with both lists.
var ProtocolVersions = wire.Versions

// DefaultTimeout is how long slotlab waits for a plugin to start and for
// each call to return, unless the environment variable
// SLOTLAB_PLUGIN_TIMEOUT holds a duration ("90s", "5m"). A plugin that
// does not answer in time is killed.
var DefaultTimeout = 60 * time.Second

// Stderr receives what plugins write to their standard error, each line
// prefixed with the plugin's name. Debug and trace lines of go-plugin are
// dropped.
var Stderr io.Writer = os.Stderr

// timeout returns the effective per-call timeout.
func timeout() time.Duration {
	if s := os.Getenv("SLOTLAB_PLUGIN_TIMEOUT"); s != "" {
		if d, err := time.ParseDuration(s); err == nil && d > 0 {
			return d
		}
		if n, err := strconv.ParseFloat(s, 64); err == nil && n > 0 {
			return time.Duration(n * float64(time.Second))
		}
	}
	return DefaultTimeout
}

// process is one running plugin binary.
type process struct {
	path    string // as found, for messages
	abs     string // the absolute path: the Source of its modules
	client  *goplugin.Client
	cmd     *exec.Cmd
	conn    *rpc.Client
	desc    wire.DescribeReply
	version int
	out     *tail
	timeout time.Duration
	stamp   string // identity of the binary (size and time) when started

	mu   sync.Mutex
	dead error // why the process can no longer be used
}

// start starts the plugin at path (already checked to be an executable
// file; abs is its absolute path), completes the handshake and asks what
// it serves.
func start(path, abs string, wait time.Duration) (*process, error) {
	out := newTail(path)
	cmd := exec.Command(abs)
	set := map[int]goplugin.PluginSet{}
	for _, v := range ProtocolVersions {
		set[v] = goplugin.PluginSet{wire.PluginName: &wire.RPCPlugin{}}
	}
	client := goplugin.NewClient(&goplugin.ClientConfig{
		HandshakeConfig:  wire.Handshake,
		VersionedPlugins: set,
		Cmd:              cmd,
		AllowedProtocols: []goplugin.Protocol{goplugin.ProtocolNetRPC},
		StartTimeout:     wait,
		Logger:           hclog.NewNullLogger(),
		Stderr:           out.writer(),
		SyncStderr:       out.writer(),
		SyncStdout:       out.writer(),
	})
	p := &process{path: path, abs: abs, client: client, cmd: cmd, out: out, timeout: wait}
	// go-plugin bounds the wait for the handshake line, not the connection
	// that follows: bound the whole start.
	type result struct {
		conn *rpc.Client
		err  error
	}
	done := make(chan result, 1)
	go func() {
		proto, err := client.Client()
		if err != nil {
			client.Kill()
			done <- result{err: p.startError(err)}
			return
		}
		raw, err := proto.Dispense(wire.PluginName)
		if err != nil {
			client.Kill()
			done <- result{err: fmt.Errorf("plugin %s: the handshake worked but the plugin serves no slotlab service (%v); is it built with slotlab's sdk?", path, err)}
			return
		}
		done <- result{conn: raw.(*rpc.Client)}
	}()
	select {
	case r := <-done:
		if r.err != nil {
			return nil, r.err
		}
		p.conn = r.conn
	case <-time.After(wait + time.Second):
		if cmd.Process != nil {
			_ = cmd.Process.Kill()
		}
		go client.Kill()
		return nil, fmt.Errorf("plugin %s: no slotlab plugin connection within %s; slotlab killed it", path, wait)
	}
	p.version = client.NegotiatedVersion()
	if err := p.call(wire.MethodDescribe, wire.Empty{}, &p.desc); err != nil {
		p.kill()
		return nil, fmt.Errorf("plugin %s: describe: %w", path, err)
	}
	return p, nil
}

var (
	versionRE  = regexp.MustCompile(`Plugin version: (\d+)`)
	speaksRE   = regexp.MustCompile(`this plugin speaks versions ([0-9,]+)`)
	messageRE  = regexp.MustCompile(`Unrecognized remote plugin message: ([^\n]*)`)
	otherAppRE = regexp.MustCompile(`This binary is a plugin\. These are not meant to be executed directly`)
)

// startError explains why the handshake failed.
func (p *process) startError(err error) error {
	msg := err.Error()
	out := p.out.String()
	status := p.status()
	switch {
	case strings.Contains(msg, "incompatible API version"):
		theirs := ""
		if m := speaksRE.FindStringSubmatch(out); m != nil {
			theirs = m[1]
		} else if m := versionRE.FindStringSubmatch(msg); m != nil {
			theirs = m[1]
		}
		return fmt.Errorf("plugin %s: protocol version mismatch: the plugin speaks slotlab plugin protocol version %s, this slotlab speaks %s; rebuild the plugin against this slotlab's sdk (or use a slotlab that speaks %s)",
			p.path, theirs, versionList(ProtocolVersions), theirs)
	case strings.Contains(msg, "incompatible core API version"):
		return fmt.Errorf("plugin %s: it was built with an incompatible github.com/hashicorp/go-plugin (%s); rebuild it against this slotlab's sdk", p.path, firstLine(msg))
	case strings.Contains(msg, "timeout while waiting for plugin to start"):
		return fmt.Errorf("plugin %s: no slotlab plugin handshake within %s (is it a slotlab plugin? a plugin built with the sdk answers at once)%s", p.path, p.timeout, p.out.Last())
	case otherAppRE.MatchString(out):
		return fmt.Errorf("plugin %s: not a slotlab plugin: it is a go-plugin plugin of another program (its handshake cookie is not slotlab's)", p.path)
	case strings.Contains(msg, "Unrecognized remote plugin message"):
		line := ""
		if m := messageRE.FindStringSubmatch(msg); m != nil {
			line = strings.TrimSpace(m[1])
		}
		if line == "" {
			return fmt.Errorf("plugin %s: not a slotlab plugin, or it failed at start: it %s without printing the plugin handshake%s", p.path, exitedWord(status), p.out.Last())
		}
		return fmt.Errorf("plugin %s: not a slotlab plugin: it printed %q where the plugin handshake belongs%s", p.path, truncate(line, 80), p.out.Last())
	case strings.Contains(msg, "plugin exited before we could connect"):
		return fmt.Errorf("plugin %s: not a slotlab plugin, or it failed at start: it %s before the handshake%s", p.path, exitedWord(status), p.out.Last())
	}
	return fmt.Errorf("plugin %s: cannot start it: %s%s", p.path, firstLine(msg), p.out.Last())
}

// status returns the process's exit status, or "" while it runs.
func (p *process) status() string {
	if p.client.Exited() && p.cmd.ProcessState != nil {
		return p.cmd.ProcessState.String()
	}
	return ""
}

func exitedWord(status string) string {
	switch {
	case status == "":
		return "stopped"
	case strings.HasPrefix(status, "signal:"):
		return "was killed (" + status + ")"
	}
	return "exited (" + status + ")"
}

func versionList(vs []int) string {
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = strconv.Itoa(v)
	}
	return strings.Join(s, ", ")
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// failed returns why the process is unusable, or nil.
func (p *process) failed() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.dead
}

// alive reports whether new components can use the process.
func (p *process) alive() bool {
	return p.failed() == nil && !p.client.Exited()
}

// call makes a remote call with the per-call timeout. A plugin that does
// not answer in time is killed; one whose connection breaks is found dead
// and the error says how it ended. Both are final for the process.
func (p *process) call(method string, args, reply any) error {
	if err := p.failed(); err != nil {
		return err
	}
	c := p.conn.Go(method, args, reply, make(chan *rpc.Call, 1))
	t := time.NewTimer(p.timeout)
	defer t.Stop()
	select {
	case <-c.Done:
		if c.Error == nil {
			return nil
		}
		var se rpc.ServerError
		if errors.As(c.Error, &se) {
			return errors.New(string(se))
		}
		return p.lost(c.Error)
	case <-t.C:
		// SelectFactored is a Select to the user: name it so.
		name := strings.TrimSuffix(strings.TrimPrefix(method, "Plugin."), "Factored")
		return p.fail(fmt.Errorf("the plugin did not answer %s within %s (SLOTLAB_PLUGIN_TIMEOUT); slotlab killed it", name, p.timeout), true)
	}
}

// lost explains a broken connection: usually the process ended.
func (p *process) lost(cause error) error {
	deadline := time.Now().Add(2 * time.Second)
	for !p.client.Exited() && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if st := p.status(); st != "" {
		p.waitOutput()
		return p.fail(fmt.Errorf("the plugin %s%s", exitedWord(st), p.out.Last()), false)
	}
	return p.fail(fmt.Errorf("lost the connection to the plugin (%v); slotlab killed it", cause), true)
}

// waitOutput gives the plugin's last words a moment to arrive.
func (p *process) waitOutput() {
	done := make(chan struct{})
	go func() { p.client.Kill(); close(done) }()
	select {
	case <-done:
	case <-time.After(time.Second):
	}
}

// fail marks the process dead with err (keeping the first reason) and
// kills it if asked.
func (p *process) fail(err error, kill bool) error {
	p.mu.Lock()
	if p.dead == nil {
		p.dead = err
	}
	err = p.dead
	p.mu.Unlock()
	if kill {
		if p.cmd.Process != nil {
			_ = p.cmd.Process.Kill()
		}
		go p.client.Kill()
	}
	return err
}

// kill ends the process.
func (p *process) kill() {
	p.mu.Lock()
	if p.dead == nil {
		p.dead = errors.New("the plugin was stopped")
	}
	p.mu.Unlock()
	done := make(chan struct{})
	go func() { p.client.Kill(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		if p.cmd.Process != nil {
			_ = p.cmd.Process.Kill()
		}
	}
}

// tail keeps the last lines a plugin wrote to stderr, and the start of the
// first panic, for error messages, and forwards them to Stderr.
type tail struct {
	name   string
	mu     sync.Mutex
	lines  []string
	panics []string // the first panic or fatal error and the lines after it
}

const tailLines = 12

func newTail(path string) *tail {
	return &tail{name: path}
}

// writer returns a line-buffering writer into the tail; each source of
// output needs its own.
func (t *tail) writer() io.Writer { return &lineWriter{t: t} }

func (t *tail) add(line string) {
	line = strings.TrimRight(line, "\r")
	if line == "" {
		return
	}
	t.mu.Lock()
	t.lines = append(t.lines, line)
	if len(t.lines) > tailLines {
		t.lines = t.lines[len(t.lines)-tailLines:]
	}
	if len(t.panics) > 0 && len(t.panics) < tailLines || len(t.panics) == 0 && (strings.HasPrefix(line, "panic: ") || strings.HasPrefix(line, "fatal error: ")) {
		t.panics = append(t.panics, line)
	}
	t.mu.Unlock()
	if quiet(line) {
		return
	}
	if w := Stderr; w != nil {
		fmt.Fprintf(w, "[plugin %s] %s\n", t.name, line)
	}
}

// chatter matches go-plugin's debug and trace lines, from the log package
// (with or without its timestamp) or from hclog (JSON).
var chatter = regexp.MustCompile(`^(\d{4}/\d\d/\d\d \d\d:\d\d:\d\d(\.\d+)? )?\[(DEBUG|TRACE)\]|^\{.*"@level":"(debug|trace)"`)

// quiet reports whether a line is go-plugin chatter not worth showing.
func quiet(line string) bool { return chatter.MatchString(line) }

// String returns the kept lines.
func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return strings.Join(t.lines, "\n")
}

// Last returns the start of the plugin's panic, if it panicked, else its
// last lines (without go-plugin chatter), as a suffix for an error message,
// or "".
func (t *tail) Last() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	lines := t.lines
	if len(t.panics) > 0 {
		lines = t.panics
	}
	var keep []string
	for _, l := range lines {
		if !quiet(l) {
			keep = append(keep, l)
		}
	}
	if len(keep) == 0 {
		return ""
	}
	return "; its last output:\n\t" + strings.Join(keep, "\n\t")
}

type lineWriter struct {
	t   *tail
	buf bytes.Buffer
}

// Write adds the complete lines of b to the tail and keeps the rest.
func (w *lineWriter) Write(b []byte) (int, error) {
	w.buf.Write(b)
	for {
		i := bytes.IndexByte(w.buf.Bytes(), '\n')
		if i < 0 {
			break
		}
		w.t.add(string(w.buf.Next(i + 1)[:i]))
	}
	if w.buf.Len() > 4096 {
		w.t.add(w.buf.String())
		w.buf.Reset()
	}
	return len(b), nil
}
