import type { Command, Option } from 'commander';
import pc from 'picocolors';
import { formatTime, parseTime } from '../../domain/index.js';
import { Tokens } from '../../guard/index.js';
import { EXIT, UsageError } from '../exit.js';
import type { Io } from '../io.js';
import { json, table } from '../render.js';
import { withDb } from '../wiring.js';

type Flags = { db?: string; json?: boolean; expires?: string };

/**
 * `warden token create|revoke|list`: employees' API tokens. Run by the local operator: the
 * command opens the database with the key directory's keys, and each issuance or revocation
 * is a ledgered event marked `operator`.
 */
export function registerTokenCommands(
  program: Command,
  dbOption: () => Option,
  io: Io,
  setCode: (code: number) => void,
): void {
  const token = program
    .command('token')
    .description("employees' API tokens for guarded operations (operator only)");
  token
    .command('create')
    .description('issue a token for an employee; it is printed once and only its hash is kept')
    .argument('<employee>')
    .option('--expires <time>', 'RFC 3339 time, or a duration like 30d or 12h')
    .addOption(dbOption())
    .option('--json', 'machine-readable output')
    .action((employee: string, o: Flags) =>
      withDb(o.db, async (w) => {
        const expiresAt = o.expires === undefined ? undefined : expiryOf(o.expires, Date.now());
        const t = await new Tokens(w.store, w.ledger, w.now).create(employee, expiresAt);
        if (o.json) io.out(`${json({ ...t, employee, expiresAt: expiresAt ?? null })}\n`);
        else
          io.out(
            `${t.token}\n${pc.dim(`token ${t.id} for ${employee}${expiresAt ? `, expires ${expiresAt}` : ''}: shown once; pass it as --token or WARDEN_TOKEN`)}\n`,
          );
        return EXIT.ok;
      }).then(setCode),
    );
  token
    .command('revoke')
    .description('revoke a token (ledgered); its later uses are refused')
    .argument('<id>', 'the token id (tk-…)')
    .addOption(dbOption())
    .action((id: string, o: Flags) =>
      withDb(o.db, async (w) => {
        await new Tokens(w.store, w.ledger, w.now).revoke(id);
        io.out(`token ${id} revoked\n`);
        return EXIT.ok;
      }).then(setCode),
    );
  token
    .command('list')
    .description('every token: id, employee, issued, expires, revoked (never the secret)')
    .addOption(dbOption())
    .option('--json', 'machine-readable output')
    .action((o: Flags) =>
      withDb(o.db, async (w) => {
        const rows = (await new Tokens(w.store, w.ledger, w.now).list()).map(
          ({ secretHash: _secret, ...t }) => t,
        );
        if (o.json) io.out(`${json(rows)}\n`);
        else if (rows.length === 0) io.out('no token was issued\n');
        else
          io.out(
            `${table(
              ['token', 'employee', 'issued at', 'expires at', 'revoked at'],
              rows.map((t) => [
                t.id,
                t.employee,
                t.createdAt,
                t.expiresAt ?? '',
                t.revokedAt ?? '',
              ]),
            )}\n`,
          );
        return EXIT.ok;
      }).then(setCode),
    );
}

const UNIT_MS: Readonly<Record<string, number>> = { h: 3_600_000, d: 86_400_000 };

/** `--expires`: an RFC 3339 time, or a duration (`12h`, `30d`) from now. */
export function expiryOf(text: string, nowMs: number): string {
  const d = /^(\d{1,5})([hd])$/.exec(text);
  if (d) return formatTime(nowMs + Number(d[1]) * UNIT_MS[d[2]!]!);
  const at = parseTime(text);
  if (at === undefined) {
    throw new UsageError(`--expires: an RFC 3339 time or a duration like 30d or 12h, got ${text}`);
  }
  return formatTime(at);
}
