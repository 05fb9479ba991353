#!/usr/bin/env node
'use strict';
// runBin answers --version from package.json without loading the destination; anything else goes to runCli.
const { runBin } = require('@singer-dest/sdk/bin');
runBin(require('../package.json'), () => require('../build/src/index.js').DuckDbDestination);
