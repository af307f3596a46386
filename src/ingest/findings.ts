/**
 * Reads findings another tool produced in the contract's shapes (`warden risk --json`,
 * `warden alerts --json`; shared spec `interchange.md`, "What Warden answers"), so that
 * `warden eval` can score any detector's output, not only Warden's own.
 */
import { z } from 'zod';
import { SEVERITIES, parseTime, type Alert, type RiskEntry } from '../domain/index.js';
import { InputError, type InputIssue } from './errors.js';

const id = z.string().min(1).max(128);
const reason = z.object({ indicator: z.string().min(1), detail: z.string(), events: z.array(id) });
const riskSchema = z.array(
  z.object({ employeeId: id, score: z.number().min(0).max(100), reasons: z.array(reason) }),
);
const alertSchema = z.array(
  z.object({
    id: z.string().min(1),
    employeeId: id,
    detector: z.string().min(1),
    employeeIds: z.array(id).optional(),
    severity: z.enum(SEVERITIES),
    eventTime: z.string().refine((t) => parseTime(t) !== undefined, 'not an RFC 3339 time'),
    sellerIds: z.array(id),
    events: z.array(id),
    summary: z.string(),
  }),
);

export function parseRiskJson(text: string, file: string): RiskEntry[] {
  return parseWith(riskSchema, text, file);
}

export function parseAlertsJson(text: string, file: string): Alert[] {
  return parseWith(alertSchema, text, file);
}

function parseWith<T>(schema: z.ZodType<T>, text: string, file: string): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const issue: InputIssue = {
      file,
      line: 1,
      code: 'MALFORMED_JSON',
      message: error instanceof Error ? error.message : 'not JSON',
    };
    throw new InputError('INVALID_RECORDS', `${file} is not JSON`, [issue]);
  }
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues: InputIssue[] = result.error.issues.slice(0, 20).map((i) => ({
    file,
    line: 1,
    code: 'INVALID_FIELD',
    field: i.path
      .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
      .join('')
      .replace(/^\./, ''),
    message: i.message,
  }));
  throw new InputError('INVALID_RECORDS', `${file} does not have the contract's shape`, issues);
}
