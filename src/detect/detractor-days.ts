/**
 * Day after day, one seller: distinct UTC days per employee and seller over a trailing span
 * (28 days for detractor look-ups, 14 for unreported negative removals). Detractors: contact
 * look-ups of the authors of a seller's 1–2★ reviews, counted by distinct UTC day per
 * employee and seller — whatever the tickets say. A dispute desk looks up a reviewer now and
 * then, for many sellers; a recall looks up many in one sitting; a harvester serving one
 * client comes back for that client's detractors day after day, or week after week, each
 * look-up under a real ticket if need be.
 */
import { Windows, type Mark } from './alert-book.js';

const DAY = 86_400_000;

export class DetractorDays {
  private readonly windows: Windows;

  /** `spanDays`: the trailing window the distinct days are counted over. */
  constructor(spanDays = 14) {
    this.windows = new Windows(spanDays * DAY);
  }

  /** Records a look-up of one of `seller`'s detractors; returns the window's marks and distinct days. */
  add(
    actor: string,
    seller: string,
    eventId: string,
    t: number,
  ): { marks: readonly Mark[]; days: number } {
    const marks = this.windows.add(`${actor}|${seller}`, { t, eventId, sellerId: seller });
    return { marks, days: new Set(marks.map((m) => Math.floor(m.t / DAY))).size };
  }
}
