import { codeParameters, theoreticalLengths, type CodeDesign } from './tardos-design.js';
import { TardosCode } from './tardos-code.js';
import { scoreAll, scoreWeights, type Observed } from './tardos-score.js';
import { accusationThresholds, innocentTail } from './tardos-bound.js';
import type { LeakBit } from './trace-export-read.js';
import type { ExportReceipt } from './trace-export-receipts.js';

/** A recipient whose score passed the threshold. */
export interface Accused {
  readonly recipient: string;
  readonly score: number;
  /** The bound on an innocent scoring this far out (smaller is stronger evidence). */
  readonly innocentChance: number;
  /** Accused by a score below the lower threshold: every bit of their copy was flipped. */
  readonly inverted: boolean;
  /** The exports this recipient received (event ids), as the ledger has them. */
  readonly exports: readonly string[];
}

/** The outcome of tracing a leak against every recipient of exports made under one design. */
export interface TraceResult {
  readonly design: CodeDesign;
  readonly length: number;
  readonly theoretical: ReturnType<typeof theoreticalLengths>;
  /** Cell bits read, and code positions they covered (the effective code length). */
  readonly bits: number;
  readonly positions: number;
  /** Positions whose cells disagreed half and half (erased). */
  readonly ties: number;
  readonly recipients: number;
  /** Accusation thresholds: above `threshold`, or below `lowerThreshold` (a flipped copy). */
  readonly threshold: number;
  readonly lowerThreshold: number;
  /** ε₁: the bound on accusing one given innocent; `bound` = recipients × ε₁ ≤ ε. */
  readonly perInnocent: number;
  readonly bound: number;
  readonly accused: readonly Accused[];
  /** The highest score of anyone not accused (no name: they are not suspects). */
  readonly highestOther: number | null;
}

/**
 * Traces a leak: each code position takes the majority of its cells' bits (a tie is an
 * erasure), every recipient who ever received an export under the design is scored with
 * the symmetric score, and those beyond the thresholds are accused. The thresholds are set
 * so that a given innocent passes either with probability at most ε₁ = ε / recipients, so
 * the chance that anyone innocent is accused is at most ε, whatever the leakers did.
 */
export function traceLeak(
  key: Buffer,
  design: CodeDesign,
  receipts: readonly ExportReceipt[],
  bits: readonly LeakBit[],
): TraceResult {
  const parameters = codeParameters(design);
  const code = new TardosCode(key, parameters);
  const { y, positions, ties } = observe(code, bits);
  const byRecipient = groupByRecipient(receipts);
  const recipients = [...byRecipient.keys()];
  const perInnocent = design.epsilon / Math.max(recipients.length, 1);
  const weights = scoreWeights(code.bias, y);
  const { upper: threshold, lower } = accusationThresholds(weights, code.bias, perInnocent);
  const scores = scoreAll(code.seeds(recipients), code.bias, weights);
  const accused: Accused[] = [];
  let highestOther: number | null = null;
  scores.forEach((score, j) => {
    if (score > threshold || score < lower) {
      const recipient = recipients[j]!;
      const innocentChance = innocentTail(weights, code.bias, score);
      const exports = byRecipient.get(recipient)!;
      accused.push({ recipient, score, innocentChance, inverted: score < lower, exports });
    } else highestOther = Math.max(highestOther ?? -Infinity, score);
  });
  accused.sort((a, b) => a.innocentChance - b.innocentChance);
  return {
    design,
    length: parameters.length,
    theoretical: theoreticalLengths(design),
    bits: bits.length,
    positions,
    ties,
    recipients: recipients.length,
    threshold,
    lowerThreshold: lower,
    perInnocent,
    bound: perInnocent * recipients.length,
    accused,
    highestOther,
  };
}

/** Each position's majority bit over its cells; −1 where none was read or the vote tied. */
function observe(
  code: TardosCode,
  bits: readonly LeakBit[],
): { y: Observed; positions: number; ties: number } {
  const votes = new Int32Array(code.length);
  const seen = new Uint8Array(code.length);
  for (const { cell, bit } of bits) {
    const place = code.placeOf(cell);
    votes[place.position]! += (bit ^ place.dither) === 1 ? 1 : -1;
    seen[place.position] = 1;
  }
  const y = new Int8Array(code.length).fill(-1);
  let positions = 0;
  let ties = 0;
  for (let i = 0; i < code.length; i++) {
    if (!seen[i]) continue;
    if (votes[i] === 0) ties++;
    else {
      y[i] = votes[i]! > 0 ? 1 : 0;
      positions++;
    }
  }
  return { y, positions, ties };
}

function groupByRecipient(receipts: readonly ExportReceipt[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const r of receipts) out.set(r.recipient, [...(out.get(r.recipient) ?? []), r.eventId]);
  return out;
}
