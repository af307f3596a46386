/**
 * Day after day, one seller: distinct UTC days per employee and seller over a trailing 14 days
 * (used for detractor look-ups and for unreported negative removals). Detractors: contact look-ups of the authors of a seller's 1–2★
 * reviews, counted by distinct UTC day per employee and seller over a trailing 14 days —
 * whatever the tickets say. A dispute desk looks up a reviewer now and then, for many sellers;
 * a recall looks up many in one sitting; a harvester serving one client comes back for that
 * client's detractors day after day, each look-up under a real ticket if need be.
 */
import { Windows, type Mark } from './alert-book.js';

const DAY = 86_400_000;
const SPAN = 14 * DAY;

export class DetractorDays {
  private readonly windows = new Windows(SPAN);

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
