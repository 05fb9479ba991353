#!/usr/bin/env node
'use strict';
const { runCli } = require('@singer-dest/sdk');
const { CsvDestination } = require('../build/src/index.js');
runCli(CsvDestination);
