import { WardenError } from '../domain/index.js';

/**
 * | code | meaning |
 * |---|---|
 * | `INVALID_OPTION` | a simulation option is out of range (seed, employees, days, preset) |
 * | `OUTPUT_NOT_EMPTY` | the output directory exists and is not empty (nothing is overwritten) |
 * | `NOT_A_SIMULATION` | the directory given to eval holds no simulator manifest or labels |
 */
export type SimErrorCode = 'INVALID_OPTION' | 'OUTPUT_NOT_EMPTY' | 'NOT_A_SIMULATION';

export class SimError extends WardenError<SimErrorCode> {
  readonly category = 'input' as const;
}
