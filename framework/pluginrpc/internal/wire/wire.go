// Package wire is the protocol between slotlab (the host) and an external
// plugin process: the go-plugin handshake, the protocol versions, and the
// arguments and replies of every remote call. Both sides import it, so a
// change here is a change of protocol: bump Version and keep serving the
// old one where possible.
//
// The calls carry control only. Tensors live in shared memory segments
// (memfd or temporary files) that the host creates and the plugin maps with
// Map; calls name a segment and byte offsets into it.
package wire

import (
	"net/rpc"

	goplugin "github.com/hashicorp/go-plugin"

	"github.com/slotlab/slotlab/framework"
)

// Version is the newest slotlab plugin protocol version this source
// speaks; Versions are all it speaks. Version 2 added SelectFactored;
// version 3 added Policy.
const Version = 3

// Versions are the protocol versions this source speaks, oldest first.
var Versions = []int{1, 2, 3}

// PluginName is the name under which the plugin process dispenses its
// service (go-plugin's plugin set has one entry).
const PluginName = "slotlab"

// Handshake is the go-plugin handshake of slotlab plugins. The magic cookie
// is not a security measure: it lets a plugin binary run by hand say what
// it is, and a host tell a slotlab plugin from another program.
var Handshake = goplugin.HandshakeConfig{
	MagicCookieKey:   "SLOTLAB_PLUGIN_MAGIC_COOKIE",
	MagicCookieValue: "3f7d1c0e-slot-machines-k-candidates",
}

// The namespaces of the kinds of module the calls name (framework.Kind).
// A component's Kind is the namespace of any kind registered with
// framework.RegisterKind on both sides; the host takes those it has an
// adapter for.
const (
	KindSelector    = framework.NamespaceSelectors
	KindInitializer = framework.NamespaceInitializers
	KindSharing     = framework.NamespaceSharing
)

// Empty is the argument or reply of calls that carry nothing.
type Empty struct{}

// Option describes one option of a component.
type Option struct {
	Name    string // the YAML key
	Type    string // the Go type, e.g. float64
	Default string // the default value, in YAML
	Doc     string // the field's doc tag, if any
}

// Component describes one component a plugin serves.
type Component struct {
	Kind    string // the namespace of its kind of module, e.g. KindSelector
	Name    string // the module's name, as YAML names it (selector: NAME)
	Summary string
	Options []Option

	// Label is the table label a selector declares (framework.Labeler);
	// "" for none.
	Label string
	// RatePolicy says that a selector declares what the rate and decay
	// `auto` resolve to (framework.RatePolicy), which the host asks with
	// Policy (protocol version 3).
	RatePolicy bool

	// LearningRate, WeightDecay and HasWeightDecay are how protocol
	// version 2 declared the rate and decay, one value for every
	// experiment; the host reads them only from a plugin that does not
	// speak version 3, and plugins speaking 3 send none. gob sends no
	// zero values, so a declared decay of 0 needs HasWeightDecay.
	LearningRate   float64
	WeightDecay    float64
	HasWeightDecay bool
}

// DescribeReply is what a plugin serves.
type DescribeReply struct {
	// Versions are the protocol versions the plugin speaks.
	Versions   []int
	Components []Component
}

// SetupArgs create an instance of a component with its options.
type SetupArgs struct {
	Kind, Name string
	// Options is a YAML mapping (empty: the defaults).
	Options []byte
}

// SetupReply identifies the new instance.
type SetupReply struct {
	Instance uint64
	// Resolved is the YAML mapping of the instance's options after
	// decoding, defaults included.
	Resolved []byte
	// ArgmaxTrain and ArgmaxEval say that a selector's choice is the
	// argmax of the scores while training and for the evaluated network
	// (framework.ArgmaxSelector): the host's trainer may then select those
	// itself, in its fused score update, without calling the plugin.
	ArgmaxTrain, ArgmaxEval bool
}

// ReleaseArgs drop an instance.
type ReleaseArgs struct {
	Instance uint64
}

// MapArgs ask the plugin to map a shared memory segment.
type MapArgs struct {
	// Path is what the plugin opens: /proc/PID/fd/N for a memfd of the
	// host, or a temporary file.
	Path string
	Size int64
}

// MapReply names the mapped segment.
type MapReply struct {
	Segment uint64
}

// UnmapArgs ask the plugin to unmap a segment.
type UnmapArgs struct {
	Segment uint64
}

// SelectArgs run a selector over Count connections whose scores (Count×K
// float32) and indices (Count int32) lie in a segment at byte offsets.
type SelectArgs struct {
	Instance  uint64
	Segment   uint64
	ScoresOff int64
	IdxOff    int64
	Count     int
	K         int
	Ctx       framework.SelectContext
}

// SelectFactoredArgs run a selector over Count connections whose scores
// are not written out but computed by the plugin, chunk by chunk, from the
// factored form the host keeps them in (protocol version 2):
//
//	scores[i*K+k] = A·init[i*K+k] + y[2i]·weights[i*K+k]
//
// with init and weights (Count×K float32), y (2·Count float32) and the
// indices (Count int32) at byte offsets of a segment.
type SelectFactoredArgs struct {
	Instance   uint64
	Segment    uint64
	InitOff    int64
	WeightsOff int64
	YOff       int64
	IdxOff     int64
	Count      int
	K          int
	A          float32
	Ctx        framework.SelectContext
}

// CountReply says how many elements the plugin wrote.
type CountReply struct {
	Count int
}

// FillArgs run an initializer over Count float32 at a byte offset of a
// segment; Tensor.Offset is the absolute index of the first one.
type FillArgs struct {
	Instance uint64
	Segment  uint64
	Off      int64
	Count    int
	Tensor   framework.TensorInfo
}

// PoolArgs ask a sharing strategy for a layer's pool.
type PoolArgs struct {
	Instance uint64
	Layer    framework.LayerInfo
}

// PolicyArgs ask a selector instance what the rate and decay `auto`
// resolve to in an experiment (protocol version 3).
type PolicyArgs struct {
	Instance uint64
	Context  framework.RateContext
}

// PolicyReply is the selector's answer (framework.RatePolicy): HasRate
// and HasDecay false leave the framework's rule.
type PolicyReply struct {
	Rate     float64
	HasRate  bool
	Decay    float64
	HasDecay bool
}

// Methods are the remote methods, as net/rpc names them.
const (
	MethodDescribe = "Plugin.Describe"
	MethodSetup    = "Plugin.Setup"
	MethodRelease  = "Plugin.Release"
	MethodMap      = "Plugin.Map"
	MethodUnmap    = "Plugin.Unmap"
	MethodSelect   = "Plugin.Select"
	// MethodSelectFactored is protocol version 2 and later.
	MethodSelectFactored = "Plugin.SelectFactored"
	MethodFill           = "Plugin.Fill"
	MethodPool           = "Plugin.Pool"
	// MethodPolicy is protocol version 3 and later.
	MethodPolicy = "Plugin.Policy"
)

// Service is what a plugin serves over net/rpc under the name "Plugin".
type Service interface {
	Describe(args Empty, reply *DescribeReply) error
	Setup(args SetupArgs, reply *SetupReply) error
	Release(args ReleaseArgs, reply *Empty) error
	Map(args MapArgs, reply *MapReply) error
	Unmap(args UnmapArgs, reply *Empty) error
	Select(args SelectArgs, reply *CountReply) error
	SelectFactored(args SelectFactoredArgs, reply *CountReply) error
	Fill(args FillArgs, reply *CountReply) error
	Pool(args PoolArgs, reply *framework.Pool) error
	Policy(args PolicyArgs, reply *PolicyReply) error
}

// RPCPlugin is the go-plugin net/rpc plugin of slotlab: on the plugin side
// it serves Impl; on the host side it dispenses the raw *rpc.Client.
type RPCPlugin struct {
	Impl Service
}

// Server returns the service the plugin registers under "Plugin".
func (p *RPCPlugin) Server(*goplugin.MuxBroker) (any, error) { return p.Impl, nil }

// Client returns the connection to the plugin's service.
func (*RPCPlugin) Client(_ *goplugin.MuxBroker, c *rpc.Client) (any, error) { return c, nil }
