import type { ScenarioLabel, ScenarioType } from './labels.js';
import { iso } from './world.js';

/** Collects a scenario's ground truth while it plays: its people, sellers and events. */
export class LabelBuilder {
  readonly employeeIds = new Set<string>();
  readonly sellerIds = new Set<string>();
  readonly eventIds: string[] = [];
  /** Events acted so far per employee (while the scenario plays, before ids exist). */
  readonly acted = new Map<string, number>();
  private first = Infinity;
  private last = -Infinity;

  constructor(
    readonly id: string,
    readonly type: ScenarioType,
    readonly kind: 'abuse' | 'benign',
    public summary: string,
  ) {}

  /** Called by the writer once the event has its id. */
  saw(eventId: string, t: number): void {
    this.eventIds.push(eventId);
    if (t < this.first) this.first = t;
    if (t > this.last) this.last = t;
  }

  /** Extends the scenario's time span without an event (a shift change, a transfer). */
  span(t: number): void {
    if (t < this.first) this.first = t;
    if (t > this.last) this.last = t;
  }

  get played(): boolean {
    return Number.isFinite(this.first);
  }

  build(): ScenarioLabel {
    return {
      id: this.id,
      type: this.type,
      kind: this.kind,
      employeeIds: [...this.employeeIds].sort(),
      sellerIds: [...this.sellerIds].sort(),
      start: iso(this.first),
      end: iso(this.last),
      eventIds: this.eventIds,
      summary: this.summary,
    };
  }
}
