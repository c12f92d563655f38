// Package pluginrpc runs slotlab modules that live in external plugin
// binaries: selectors, initializers and sharing strategies written against
// the sdk package and built on their own.
//
// Importing the package registers its loader with the module registry
// (framework.RegisterPluginLoader): loading a plugin binary registers the
// modules it serves, which experiments then name like built-in ones
// (selector: {id: epsgreedy, eps: 0.05}). Plugins come from the
// directories of SLOTLAB_PLUGIN_PATH, where only files named slotlab-* are
// ever started (LoadPath), or from an experiment's plugins: list; the
// older form {plugin: PATH, name: NAME} loads the binary at PATH and takes
// its module NAME.
//
// Each plugin binary runs as one child process per slotlab process
// (started by hashicorp/go-plugin, spoken to over net/rpc), shared by every
// component taken from it. The host side of each component is an adapter
// that implements the same interfaces as a compiled-in module
// (framework.Selector and hostapi.BufferProvider, framework.Initializer,
// framework.Sharing), so the trainer cannot tell them apart.
//
// Tensors never travel through the RPC: a selector's scores and selections
// live in shared memory (a memfd, or a file in /dev/shm) that the adapter
// allocates for each layer in Buffers and the plugin maps too, so each
// Select call carries only control (layer, step, offsets) and the plugin
// writes the indices in place. Initializers fill shared scratch segments.
//
// Every error names the plugin and the component, and what went wrong: a
// binary that is missing, not executable or not a slotlab plugin, a
// protocol version neither side shares, options the plugin rejects, a
// plugin that exits, is killed, hangs past the timeout (SLOTLAB_PLUGIN_TIMEOUT,
// default 60 s) or returns indices out of range.
package pluginrpc
