import { FingerprintError } from './fingerprint-errors.js';

/** What a fingerprinting code is built to withstand. */
export interface CodeDesign {
  /** The most recipients the code serves (n). */
  readonly recipients: number;
  /** The largest coalition it must trace (c): colluders mixing their copies. */
  readonly coalition: number;
  /** The bound on accusing any innocent recipient, over all of them (ε). */
  readonly epsilon: number;
}

/** A design with the numbers derived from it. */
export interface CodeParameters extends CodeDesign {
  /** Code length m: the number of positions (bits) in each recipient's codeword. */
  readonly length: number;
  /** The bias cutoff t: every position's bias lies in [t, 1 − t]. */
  readonly cutoff: number;
  /** ε₁ = ε / n, the bound on accusing one given innocent (a union bound gives ε). */
  readonly perInnocent: number;
}

/** n = 100,000 recipients, coalitions up to c = 4, ε = 10⁻³. */
export const DEFAULT_DESIGN: CodeDesign = { recipients: 100_000, coalition: 4, epsilon: 1e-3 };

/**
 * The code length and cutoff for a design. Škorić, Katzenbeisser and Celik show that the
 * symmetric score needs m = π² c² ln(1/ε₁) positions where Tardos' original score needs
 * 100 c² ln(1/ε₁); the bias cutoff t = 1/(300 c) is Tardos'. m is rounded up to an even
 * number (two positions per generator word).
 */
export function codeParameters(design: CodeDesign = DEFAULT_DESIGN): CodeParameters {
  checkDesign(design);
  const perInnocent = design.epsilon / design.recipients;
  const lengths = theoreticalLengths(design);
  const length = 2 * Math.ceil(lengths.symmetric / 2);
  return { ...design, length, cutoff: 1 / (300 * design.coalition), perInnocent };
}

/** The code lengths the literature gives for a design, for the documentation and `--json`. */
export function theoreticalLengths(design: CodeDesign): {
  tardos: number;
  symmetric: number;
  asymptotic: number;
} {
  const k = Math.log(design.recipients / design.epsilon);
  const c2 = design.coalition * design.coalition;
  return {
    tardos: Math.ceil(100 * c2 * k),
    symmetric: Math.ceil(Math.PI * Math.PI * c2 * k),
    // the large-coalition limit of the symmetric score (Laarhoven and de Weger)
    asymptotic: Math.ceil(((Math.PI * Math.PI) / 2) * c2 * k),
  };
}

function checkDesign(d: CodeDesign): void {
  const problems: string[] = [];
  if (!Number.isInteger(d.recipients) || d.recipients < 1 || d.recipients > 1e9)
    problems.push(`recipients must be a whole number from 1 to 10⁹, got ${d.recipients}`);
  if (!Number.isInteger(d.coalition) || d.coalition < 1 || d.coalition > 64)
    problems.push(`coalition must be a whole number from 1 to 64, got ${d.coalition}`);
  if (!(d.epsilon > 0 && d.epsilon < 1))
    problems.push(`epsilon must lie strictly between 0 and 1, got ${d.epsilon}`);
  if (problems.length > 0) throw new FingerprintError('DESIGN_INVALID', problems.join('; '));
}
