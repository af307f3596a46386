import { createServer } from 'node:http';
import type { Command } from 'commander';
import {
  WitnessDir,
  parseVerifierKey,
  WitnessError,
  witnessHandler,
  formatAddCheckpoint,
  parseAddCheckpoint,
  type AddCheckpointRequest,
} from '../../ledger/index.js';
import { EXIT, UsageError } from '../exit.js';
import type { Io } from '../io.js';
import { once } from 'node:events';
import { collect } from './ledger-witness.js';
import { json } from '../render.js';
import { readTextFile } from '../read-input.js';

type CosignOptions = {
  dir: string;
  logKey: string;
  request?: string;
  checkpoint?: string;
  proof?: string;
  json?: boolean;
};

/**
 * `warden witness …`: a witness of another party's log, with its own state directory and
 * key (C2SP tlog-witness semantics, run as a command rather than over HTTP).
 */
export function registerWitnessCommands(
  program: Command,
  io: Io,
  setCode: (code: number) => void,
): void {
  const witness = program
    .command('witness')
    .description("cosign a log's checkpoints after checking they extend the last one cosigned");

  witness
    .command('init')
    .description('create a witness state directory and key; print the witness verifier key')
    .requiredOption('--dir <dir>', 'the witness state directory (created 0700)')
    .requiredOption('--name <name>', 'the witness name, e.g. witness.example.com/audit')
    .action((o: { dir: string; name: string }) => {
      io.out(`${WitnessDir.init(o.dir, o.name).cosigner.verifierKey}\n`);
      setCode(EXIT.ok);
    });

  witness
    .command('cosign')
    .description(
      'check a checkpoint extends the last one cosigned for its log, and print the cosignature',
    )
    .requiredOption('--dir <dir>', 'the witness state directory')
    .requiredOption('--log-key <vkey>', "the log's verifier key (pinned at first sight)")
    .option('--request <file>', 'a C2SP tlog-witness add-checkpoint request body (- for stdin)')
    .option('--checkpoint <file>', 'the signed checkpoint (with --proof)')
    .option('--proof <file>', 'the output of `warden ledger consistency OLD NEW --json`')
    .option('--json', '{ status, body }, the HTTP answer the C2SP protocol gives')
    .action(async (o: CosignOptions) => {
      const request = await readRequest(o, io);
      const dir = WitnessDir.open(o.dir);
      try {
        const body = await dir.cosign(request, [o.logKey]);
        io.out(o.json ? `${json({ status: 200, body })}\n` : body);
        setCode(EXIT.ok);
      } catch (error) {
        if (!(error instanceof WitnessError) || !o.json) throw error;
        const body = error.latestSize === undefined ? error.message : `${error.latestSize}\n`;
        io.out(`${json({ status: error.status, code: error.code, body })}\n`);
        setCode(error.category === 'integrity' ? EXIT.finding : EXIT.usage);
      }
    });

  registerServe(witness, io);
}

/** `warden witness serve`: answers until stopped (SIGINT/SIGTERM). */
function registerServe(witness: Command, io: Io): void {
  witness
    .command('serve')
    .description('serve C2SP tlog-witness POST /add-checkpoint over HTTP')
    .requiredOption('--dir <dir>', 'the witness state directory')
    .requiredOption(
      '--log-key <vkey>',
      'a log verifier key this witness serves (repeatable)',
      collect,
      [],
    )
    .option('--listen <host:port>', 'where to listen', '127.0.0.1:7380')
    .action(async (o: { dir: string; logKey: string[]; listen: string }) => {
      const dir = WitnessDir.open(o.dir);
      for (const key of o.logKey) parseVerifierKey(key);
      const match = /^(.+):(\d{1,5})$/.exec(o.listen);
      if (!match)
        throw new UsageError(`--listen must be host:port, got ${JSON.stringify(o.listen)}`);
      const server = createServer(witnessHandler(dir, o.logKey));
      server.listen(Number(match[2]), match[1]);
      await once(server, 'listening');
      io.err(
        `witness ${dir.cosigner.verifierKey} listening on http://${o.listen}/add-checkpoint\n`,
      );
      await Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')]);
      server.close();
    });
}

async function readRequest(o: CosignOptions, io: Io): Promise<AddCheckpointRequest> {
  if (o.request !== undefined) {
    if (o.checkpoint !== undefined || o.proof !== undefined)
      throw new UsageError('give --request, or --checkpoint with --proof, not both');
    return parseAddCheckpoint(o.request === '-' ? await readStdin(io) : readTextFile(o.request));
  }
  if (o.checkpoint === undefined) throw new UsageError('give --request FILE, or --checkpoint FILE');
  const note = readTextFile(o.checkpoint);
  if (o.proof === undefined)
    return parseAddCheckpoint(formatAddCheckpoint({ oldSize: 0, proof: [], note }));
  const proof = JSON.parse(readTextFile(o.proof)) as { size1?: unknown; proof?: unknown };
  if (typeof proof.size1 !== 'number' || !Array.isArray(proof.proof))
    throw new UsageError(
      `${o.proof} is not the output of \`warden ledger consistency OLD NEW --json\``,
    );
  const hashes = proof.proof.map((h) => Buffer.from(String(h), 'base64'));
  // through the wire format, so both forms get the same checks
  return parseAddCheckpoint(formatAddCheckpoint({ oldSize: proof.size1, proof: hashes, note }));
}

async function readStdin(io: Io): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of io.stdin) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
