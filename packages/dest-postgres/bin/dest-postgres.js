#!/usr/bin/env node
'use strict';
const { runCli } = require('@singer-dest/sdk');
const { PostgresDestination } = require('../build/src/index.js');
runCli(PostgresDestination);
