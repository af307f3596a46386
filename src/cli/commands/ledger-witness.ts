import type { Command, Option } from 'commander';
import {
  FileCheckpointSink,
  LedgerError,
  formatAddCheckpoint,
  openNote,
  parseAddCheckpoint,
  parseCosignerVerifierKey,
  countCosignatures,
} from '../../ledger/index.js';
import { EXIT, UsageError } from '../exit.js';
import type { Io } from '../io.js';
import { keyFile } from '../paths.js';
import type { Wired } from '../wiring.js';
import { assertWitnessKey } from './verify-outside.js';
import { readTextFile, wholeNumber } from '../read-input.js';

type Db = { db?: string; json?: boolean };
type Run = (o: Db, f: (w: Wired) => Promise<number>) => Promise<void>;

/** `warden ledger witness-request` and `warden ledger add-cosignatures`. */
export function registerLedgerWitnessCommands(
  ledger: Command,
  dbOption: () => Option,
  io: Io,
  run: Run,
): void {
  ledger
    .command('witness-request')
    .description(
      'a C2SP tlog-witness add-checkpoint request: the latest checkpoint and a consistency proof from OLD',
    )
    .requiredOption(
      '--old <size>',
      "the size of the witness's latest cosigned checkpoint (0 at first)",
    )
    .addOption(dbOption())
    .action((o: Db & { old: string }) =>
      run(o, async (w) => {
        const cp = await w.store.ledger.latestCheckpoint();
        if (!cp) throw new UsageError('the ledger has no checkpoint yet');
        const oldSize = wholeNumber(o.old, '--old');
        if (oldSize > cp.size)
          throw new UsageError(`--old ${oldSize} is above the latest checkpoint's size ${cp.size}`);
        const proof = oldSize === 0 ? [] : await w.ledger.proveConsistency(oldSize, cp.size);
        io.out(formatAddCheckpoint({ oldSize, proof, note: cp.note }));
        return EXIT.ok;
      }),
    );

  ledger
    .command('add-cosignatures')
    .description(
      "store a witness's cosignatures beside the checkpoint log (<keydir>/cosigned.log), after checking them",
    )
    .requiredOption('--request <file>', 'the request given to the witness')
    .requiredOption('--response <file>', "the witness's answer: cosignature lines")
    .requiredOption('--witness <vkey>', 'the witness verifier key', collect, [])
    .addOption(dbOption())
    .action((o: Db & { request: string; response: string; witness: string[] }) =>
      run(o, async (w) => {
        for (const key of o.witness) assertWitnessKey(key);
        const { note } = parseAddCheckpoint(readTextFile(o.request));
        const cosigned = `${note}${readTextFile(o.response)}`;
        const { text, unverified } = openNote(cosigned, [w.ledger.verifierKey()]);
        const count = countCosignatures(text, unverified, o.witness);
        if (count < o.witness.length)
          throw new LedgerError(
            'NO_VERIFIED_SIGNATURE',
            `${o.response} holds cosignatures of ${count} of the ${o.witness.length} witnesses given`,
          );
        const keep = unverified.filter((s) =>
          o.witness.some((v) => {
            const k = parseCosignerVerifierKey(v);
            return k.name === s.name && k.keyId === s.keyId;
          }),
        );
        const lines = keep.map((s) => `\u2014 ${s.name} ${s.base64}\n`).join('');
        await new FileCheckpointSink(keyFile(w.keyDir, 'cosigned.log')).append(`${note}${lines}`);
        io.out(`stored ${keep.length} cosignature(s) in ${keyFile(w.keyDir, 'cosigned.log')}\n`);
        return EXIT.ok;
      }),
    );
}

export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
