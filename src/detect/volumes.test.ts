import { describe, expect, it } from 'vitest';
import { STANDARD_ACTIONS } from '../domain/index.js';
import type { EmployeeView } from './directory-view.js';
import type { Hit } from './evidence.js';
import { VolumeBaselines } from './volumes.js';

const DAY = 86_400_000;
const ACTION = 'seller.account.view';
const QUIET = 3;
const BUSY = 40;

function employee(id: string, team = 'seller-support'): EmployeeView {
  return {
    id,
    team,
    role: 'agent',
    site: 'dublin',
    manager: undefined,
    shift: 'day',
    hiredAt: undefined,
    leftAt: undefined,
  };
}

/** Days of work fed to one `VolumeBaselines`, and the hits it gave. */
class Days {
  readonly volumes = new VolumeBaselines();
  readonly hits: Hit[] = [];
  private seq = 0;

  /** `n` events of the action by each of `who` on day `d` (the next day's first event closes it). */
  work(who: readonly EmployeeView[], d: number, n: number, action = ACTION): this {
    for (const e of who)
      for (let i = 0; i < n; i++)
        this.volumes.observe(
          e,
          action,
          `ev-${String(this.seq++)}`,
          d * DAY + i * 60_000,
          this.hits,
        );
    return this;
  }

  /** The volume spikes of employee `id` on day `d`. */
  spikes(id: string, d: number): Hit[] {
    return this.hits.filter(
      (h) => h.indicator === 'volume-spike' && h.employeeId === id && Math.floor(h.t / DAY) === d,
    );
  }
}

const peers = Array.from({ length: 10 }, (_, i) => employee(`e-${String(i + 1)}`));

describe('VolumeBaselines', () => {
  describe('when an employee’s day is far above their own quiet days and their peers’', () => {
    it('flags it once they have five days of their own, not with four', () => {
      const five = employee('n-5');
      const four = employee('n-4');
      const d = new Days();
      for (let day = 0; day < 20; day++) {
        d.work(peers, day, QUIET);
        if (day >= 15) d.work([five], day, QUIET);
        if (day >= 16) d.work([four], day, QUIET);
      }
      d.work([five, four], 20, BUSY).work(peers, 20, QUIET);
      d.work([five, four, ...peers], 21, 1, 'login');
      expect(d.spikes('n-5', 20)).toHaveLength(1);
      expect(d.spikes('n-5', 20)[0]?.action).toBe(ACTION);
      expect(d.spikes('n-4', 20)).toEqual([]);
    });
  });

  describe('when an employee’s busy days are more than OWN_DAYS (28) days old', () => {
    /** e-0 busy for 40 days, then `quiet` quiet days, then a busy day again; peers quiet. */
    function busyThenQuiet(quiet: number): Days {
      const e0 = employee('e-0');
      const d = new Days();
      for (let day = 0; day < 40 + quiet; day++)
        d.work(peers, day, QUIET).work([e0], day, day < 40 ? BUSY : QUIET);
      const spike = 40 + quiet;
      d.work(peers, spike, QUIET).work([e0], spike, BUSY);
      d.work([e0, ...peers], spike + 1, 1, 'login');
      return d;
    }

    it('no longer holds them against a spike: they have rolled out of the baseline', () => {
      expect(busyThenQuiet(28).spikes('e-0', 68)).toHaveLength(1);
    });

    it('still does while most of the last 28 days were busy', () => {
      expect(busyThenQuiet(10).spikes('e-0', 50)).toEqual([]);
    });

    it('keeps exactly the last 28 days of every action', () => {
      const e0 = employee('e-0');
      const d = new Days();
      for (let day = 0; day < 30; day++) d.work([e0], day, day + 1);
      d.work([e0], 30, 1, 'login');
      const p = d.volumes.personOf('e-0')!;
      expect(p.filled).toBe(28);
      const own = (action: string): number[] => {
        const a = STANDARD_ACTIONS.indexOf(action as (typeof STANDARD_ACTIONS)[number]);
        return Array.from(p.history.subarray(a * 28, (a + 1) * 28)).sort((x, y) => x - y);
      };
      expect(own(ACTION)).toEqual(Array.from({ length: 28 }, (_, i) => i + 3));
      expect(own('login')).toEqual(new Array<number>(28).fill(0));
    });
  });

  describe('when the peer group’s busy days are more than GROUP_DAYS (400) employee-days old', () => {
    /** One employee alone in their group: 300 busy days, then `quiet` quiet days, then a busy day. */
    function loneBusyThenQuiet(quiet: number): Days {
      const solo = employee('solo', 'audit');
      const d = new Days();
      for (let day = 0; day < 300 + quiet; day++) d.work([solo], day, day < 300 ? BUSY : QUIET);
      d.work([solo], 300 + quiet, BUSY).work([solo], 301 + quiet, 1, 'login');
      return d;
    }

    it('holds them against a spike while they are half of the last 400', () => {
      expect(loneBusyThenQuiet(200).spikes('solo', 500)).toEqual([]);
    });

    it('forgets the oldest once the ring has wrapped, so the spike stands out', () => {
      expect(loneBusyThenQuiet(201).spikes('solo', 501)).toHaveLength(1);
    });
  });

  describe('when two baselines learn the same peer group side by side', () => {
    it('keeps each its own group days: busy peers in one do not hide a spike in the other', () => {
      const solo = employee('n-1');
      const busyPeers = new Days();
      const quietPeers = new Days();
      for (let day = 0; day < 20; day++) {
        busyPeers.work(peers, day, BUSY).work([solo], day, QUIET);
        quietPeers.work(peers, day, QUIET).work([solo], day, QUIET);
      }
      for (const d of [busyPeers, quietPeers])
        d.work([solo], 20, BUSY).work([solo, ...peers], 21, 1, 'login');
      expect(busyPeers.spikes('n-1', 20)).toEqual([]);
      expect(quietPeers.spikes('n-1', 20)).toHaveLength(1);
    });
  });
});
