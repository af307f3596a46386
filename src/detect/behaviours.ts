/** The behaviours whose norms detectors weigh evidence against (docs/detection.md). */
export const BEHAVIOURS = [
  'unjustified',
  'self-opened',
  'self-opened-data',
  'personal-export',
  'ticket-mismatch',
  'negative-lookup',
  'unreported-removal',
  'late-follow-up',
] as const;
export type Behaviour = (typeof BEHAVIOURS)[number];
