// Package standard links in every built-in module, as Caddy's
// modules/standard does: import it for its side effects.
package standard

import (
	// The built-in selectors, initializers and sharing strategies.
	_ "github.com/slotlab/slotlab/plugins/initializers/glorotuniform"
	_ "github.com/slotlab/slotlab/plugins/initializers/scaleduniform"
	_ "github.com/slotlab/slotlab/plugins/initializers/zerolast"
	_ "github.com/slotlab/slotlab/plugins/selectors/greedy"
	_ "github.com/slotlab/slotlab/plugins/selectors/probabilistic"
	_ "github.com/slotlab/slotlab/plugins/sharing/global"
	_ "github.com/slotlab/slotlab/plugins/sharing/perconnection"
	_ "github.com/slotlab/slotlab/plugins/sharing/perlayer"
)
