#!/usr/bin/env node
'use strict';
// The `godot-enet` command (see `godot-enet --help`); its code is lib/cli.ts, compiled to dist/.
require('../dist/cli.js').main(process.argv.slice(2));
