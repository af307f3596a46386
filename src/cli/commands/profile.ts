import type { Behaviour, PeerGroupReport } from '../../detect/index.js';
import { BEHAVIOURS } from '../../detect/index.js';
import { EXIT } from '../exit.js';
import type { Io } from '../io.js';
import { heading, json, table } from '../render.js';
import type { Wired } from '../wiring.js';
import { runDetection } from './detect.js';

/** Column headings of the behaviours whose norms are learned (docs/detection.md). */
const SHORT: Record<Behaviour, string> = {
  unjustified: 'no purpose',
  'self-opened': 'self-opened',
  'self-opened-data': 'self-opened data',
  'personal-export': 'personal export',
  'ticket-mismatch': 'ticket mismatch',
  'negative-lookup': 'neg. look-up',
  'unreported-removal': 'unrep. removal',
  'late-follow-up': 'closed ticket',
};

/**
 * `warden profile`: what detection learned per peer group — members, those with enough history,
 * and per behaviour the median member's daily rate and the share of members showing it — and
 * the job functions the org profile declares. Replays the ledger (and stores the findings).
 */
export async function profileCommand(
  w: Wired,
  flags: { json?: boolean; org?: string },
  io: Io,
): Promise<number> {
  const { engine } = await runDetection(w, io, flags.org === undefined ? {} : { org: flags.org });
  const groups = engine.peerGroups();
  if (flags.json) {
    io.out(`${json({ jobFunctions: engine.profile.jobFunctions, peerGroups: groups })}\n`);
    return EXIT.ok;
  }
  io.out(`${heading(`peer groups (${groups.length})`)}\n`);
  io.out(
    `${table(['group', 'members', 'learned from', ...BEHAVIOURS.map((b) => SHORT[b])], groups.map(row))}\n`,
  );
  io.out('each behaviour: median member’s rate per worked day (share of members showing it)\n');
  const declared = engine.profile.jobFunctions;
  io.out(
    declared.length === 0
      ? 'org profile: none (every norm is learned from the stream)\n'
      : `org profile: ${declared.map((f) => `${f.does} (${[...f.teams, ...f.roles].join(', ')})`).join('; ')}\n`,
  );
  return EXIT.ok;
}

function row(g: PeerGroupReport): (string | number)[] {
  return [
    g.group,
    g.members,
    g.qualified,
    ...BEHAVIOURS.map((b) => {
      const n = g.norms[b];
      return n.share === 0 ? '·' : `${n.median.toFixed(2)} (${Math.round(n.share * 100)} %)`;
    }),
  ];
}
