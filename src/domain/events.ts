import type { Attrs, EmployeeId, EventId, TicketId } from './model.js';

export const TARGET_TYPES = ['seller', 'review', 'reviewer', 'product', 'dataset'] as const;
export type TargetType = (typeof TARGET_TYPES)[number];

export const OUTCOMES = ['allowed', 'denied', 'pending'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const DELETE_REASONS = ['policy', 'spam', 'abuse', 'seller-request', 'other'] as const;
export type DeleteReason = (typeof DELETE_REASONS)[number];

/**
 * Every standard action of interchange v1, with the target type it applies to.
 * Custom actions are spelled `x-...` and may target anything.
 */
export const ACTION_TARGETS = {
  login: 'dataset',
  'seller.metrics.view': 'seller',
  'seller.metrics.export': 'seller',
  'seller.account.view': 'seller',
  'reviewer.contact.view': 'reviewer',
  'review.view': 'review',
  'review.delete': 'review',
  'review.restore': 'review',
  'data.export': 'dataset',
} as const satisfies Record<string, TargetType>;

export type StandardAction = keyof typeof ACTION_TARGETS;
export type CustomAction = `x-${string}`;
export type Action = StandardAction | CustomAction;

export const STANDARD_ACTIONS = Object.keys(ACTION_TARGETS) as StandardAction[];

export function isStandardAction(action: string): action is StandardAction {
  return Object.hasOwn(ACTION_TARGETS, action);
}

export function isCustomAction(action: string): action is CustomAction {
  return action.startsWith('x-') && action.length > 2;
}

export interface Target {
  readonly type: TargetType;
  readonly id: string;
}

export interface EventContext {
  readonly ip?: string;
  readonly device?: string;
  readonly session?: string;
  readonly geo?: string;
}

/** One action by one actor, as the system that did it recorded it. */
export interface AccessEvent {
  readonly id: EventId;
  readonly time: string;
  readonly actor: EmployeeId;
  readonly action: Action;
  readonly target: Target;
  readonly outcome?: Outcome;
  readonly ticket?: TicketId;
  readonly context?: EventContext;
  readonly attrs?: Attrs;
}
