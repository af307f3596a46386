/* global process */
// A test hook, loaded with `node --import` into a `warden` process by the fault suite only:
// when the process is about to give a new key file its name (the `link` of the atomic
// creation), it says so on stderr and stops there, so that the test can SIGKILL it at that
// very moment. WARDEN_TEST_PAUSE_AT names the key file (`master.key` or `ledger.key`).
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';

const target = process.env.WARDEN_TEST_PAUSE_AT ?? '';
const link = fs.linkSync;
fs.linkSync = (from, to) => {
  if (target !== '' && String(to).endsWith(target)) {
    process.stderr.write(`paused before linking ${String(to)}\n`);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); // until killed
  }
  return link(from, to);
};
syncBuiltinESMExports();
