/**
 * World B's scenario library: every abuse kind of world A, played where B's insiders hide
 * (in their role's normal work), and B's own look-alikes beside A's (docs/scenarios.md,
 * section 7).
 */
import type { AbuseScenario, BenignScenario } from './labels.js';
import { ABUSE, MIN_ACTS, departing, selfCover } from './scenarios-abuse.js';
import {
  auditCoverDeletion,
  mixedRing,
  portfolioBroker,
  ticketedHarvest,
} from './scenarios-b-abuse.js';
import {
  departingHandover,
  ediscoveryExport,
  leaveCover,
  promoNominations,
  recallProgramme,
} from './scenarios-b-benign.js';
import {
  callerTickets,
  catalogMigration,
  followTheSun,
  moderationAudits,
  qaSampling,
  weekendOnCall,
} from './scenarios-b-habits.js';
import { BENIGN } from './scenarios-benign.js';
import type { Planner, ScenarioDefinition } from './scenario.js';

function fromA(defs: readonly ScenarioDefinition[], type: string): Planner {
  const def = defs.find((d) => d.type === type);
  if (!def) throw new Error(`world A has no ${type} scenario`);
  return def.plan;
}

const abuse = (type: AbuseScenario, plan: Planner): ScenarioDefinition => ({
  type,
  kind: 'abuse',
  plan,
});
const benign = (type: BenignScenario, plan: Planner): ScenarioDefinition => ({
  type,
  kind: 'benign',
  plan,
});

export const ABUSE_B: readonly ScenarioDefinition[] = [
  abuse('metrics-broker', portfolioBroker),
  abuse('email-harvest', ticketedHarvest),
  abuse('deletion-for-hire', auditCoverDeletion),
  abuse('collusion-ring', mixedRing),
  abuse('low-and-slow', fromA(ABUSE, 'low-and-slow')),
  abuse('unrelated-ticket-cover', fromA(ABUSE, 'unrelated-ticket-cover')),
  abuse('self-cover-tickets', selfCover(['contact-agent'])),
  abuse('departing-exfiltration', departing(MIN_ACTS)),
];

export const BENIGN_B: readonly ScenarioDefinition[] = [
  benign('recall-programme', recallProgramme),
  benign('product-recall', fromA(BENIGN, 'product-recall')),
  benign('quarter-end-exports', fromA(BENIGN, 'quarter-end-exports')),
  benign('ediscovery-export', ediscoveryExport),
  benign('departing-handover', departingHandover),
  benign('team-transfer', fromA(BENIGN, 'team-transfer')),
  benign('new-hire', fromA(BENIGN, 'new-hire')),
  benign('moderation-audit', moderationAudits),
  benign('caller-tickets', callerTickets),
  benign('follow-the-sun', followTheSun),
  benign('weekend-on-call', weekendOnCall),
  benign('leave-cover', leaveCover),
  benign('promo-nominations', promoNominations),
  benign('catalog-migration', catalogMigration),
  benign('qa-sampling', qaSampling),
  benign('night-shift', fromA(BENIGN, 'night-shift')),
];
