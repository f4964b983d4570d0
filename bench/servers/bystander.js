'use strict';
// Not a server: a Node process that does nothing but keep its event loop, measured next to each
// many-peers run. Its loop delay is what the machine alone (the scheduler, the load clients, the
// server under test taking a core) costs any Node process there: the floor under a Node server's.
// It speaks the servers' stdin protocol (common.js) and announces port 0.
const { serve } = require('./common');

serve(0, () => {});
