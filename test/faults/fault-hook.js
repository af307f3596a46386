/* global process */
// A test hook, loaded with `node --import` into a `warden` process by the fault suite only.
// - WARDEN_TEST_MARK_START=1: says `warden-test: work starts` on stderr when the command first
//   looks for its database (modules loaded; keys, schema and import to come), so that kill
//   times can be spread over the work itself rather than over start-up.
// - WARDEN_TEST_PAUSE_AT=NAME: when the process is about to give the new key file NAME its
//   name (the `link` of the atomic creation), says so and stops there, so that the test can
//   SIGKILL it at that very moment.
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';

const pauseAt = process.env.WARDEN_TEST_PAUSE_AT ?? '';
const link = fs.linkSync;
fs.linkSync = (from, to) => {
  if (pauseAt !== '' && String(to).endsWith(pauseAt)) {
    process.stderr.write(`paused before linking ${String(to)}\n`);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); // until killed
  }
  return link(from, to);
};

let marked = process.env.WARDEN_TEST_MARK_START !== '1';
const exists = fs.existsSync;
fs.existsSync = (path) => {
  if (!marked && String(path).endsWith('.db')) {
    marked = true;
    fs.writeSync(2, 'warden-test: work starts\n');
  }
  return exists(path);
};
syncBuiltinESMExports();
