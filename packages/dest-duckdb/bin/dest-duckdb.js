#!/usr/bin/env node
'use strict';
const { runCli } = require('@singer-dest/sdk');
const { DuckDbDestination } = require('../build/src/index.js');
runCli(DuckDbDestination);
