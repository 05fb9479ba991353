#!/usr/bin/env node
'use strict';
const { runCreate } = require('../build/src/index.js');
runCreate(process.argv.slice(2), process.cwd()).then(
  (code) => (process.exitCode = code),
  (error) => {
    process.stderr.write(`Unexpected error: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  },
);
