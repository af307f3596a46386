#!/usr/bin/env node
/* global process */
// The `warden` command: runs the compiled CLI, linked into a few files (built by `npm install`
// through `prepare`: scripts/bundle-cli.ts).
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv);
