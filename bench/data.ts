import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

const ACTIONS = [
  ['seller.metrics.view', 'seller'],
  ['seller.account.view', 'seller'],
  ['review.view', 'review'],
  ['reviewer.contact.view', 'reviewer'],
  ['seller.metrics.export', 'seller'],
] as const;

/** Writes `n` interchange events (plus the employees they name) as NDJSON, deterministically. */
export async function writeEventsFile(path: string, n: number, employees = 3000): Promise<void> {
  const out = createWriteStream(path);
  for (let e = 0; e < employees; e++) {
    out.write(
      `{"v":1,"kind":"employee","id":"e-${e}","team":"seller-support","role":"agent","site":"Dublin"}\n`,
    );
  }
  const t0 = Date.UTC(2026, 2, 2);
  for (let i = 0; i < n; i++) {
    const [action, type] = ACTIONS[i % ACTIONS.length]!;
    const line = `{"v":1,"kind":"event","id":"ev-${i}","time":"${new Date(t0 + i * 997).toISOString()}","actor":"e-${i % employees}","action":"${action}","target":{"type":"${type}","id":"${type.slice(0, 2)}-${(i * 7919) % 50000}"},"ticket":"t-${i % 20000}","context":{"ip":"10.0.${i % 250}.${i % 200}","device":"d-${i % employees}","session":"s-${Math.floor(i / 40)}"}${action === 'seller.metrics.export' ? ',"attrs":{"rows":120}' : ''}}\n`;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}
