import { EngineError } from '../core/index.js';
import type { PayloadTemplate } from './action-model.js';
import type { ActionTrigger } from './outbox-record.js';

/**
 * The placeholders a payload template may use. A closed list: ids, names, times and reasons,
 * never an event's `data`, so no template can put media (or anything else an event carries) in a
 * webhook. `entities.<role>` is the event's id for that role (empty when the event has none).
 */
export const placeholderNames = [
  'action',
  'kind',
  'event.id',
  'event.type',
  'event.time',
  'subject',
  'rule',
  'typology',
  'reasons',
] as const;

const placeholderPattern = /\{\{\s*([^{}]*?)\s*\}\}/g;
const rolePattern = /^entities\.[a-z][a-z0-9_]{0,63}$/;

/** The placeholders in `text` that are not in the vocabulary (empty when every one is known). */
export function unknownPlaceholders(text: string): string[] {
  const unknown: string[] = [];
  for (const match of text.matchAll(placeholderPattern)) {
    const name = match[1] ?? '';
    if (!(placeholderNames as readonly string[]).includes(name) && !rolePattern.test(name)) unknown.push(name);
  }
  return unknown;
}

/** What placeholders stand for, for one trigger of one action. */
export interface TemplateValues {
  readonly action: string;
  readonly kind: string;
  readonly trigger: ActionTrigger;
}

/**
 * Renders a checked template: each string's placeholders are replaced by their values; a string
 * that is exactly `{{reasons}}` becomes the list of reasons (elsewhere they are joined with `; `).
 * Deterministic, so a replayed event renders the same body.
 *
 * @throws EngineError `CONFIG_INVALID` on an unknown placeholder (the checker refuses them first).
 */
export function renderPayload(template: PayloadTemplate, values: TemplateValues): unknown {
  if (typeof template === 'string') return renderString(template, values);
  if (Array.isArray(template)) return template.map((item: PayloadTemplate) => renderPayload(item, values));
  const rendered: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(template as Record<string, PayloadTemplate>))
    rendered[key] = renderPayload(value, values);
  return rendered;
}

function renderString(text: string, values: TemplateValues): unknown {
  if (/^\{\{\s*reasons\s*\}\}$/.test(text)) return [...values.trigger.reasons];
  return text.replace(placeholderPattern, (_whole, name: string) => placeholderValue(name, values));
}

function placeholderValue(name: string, { action, kind, trigger }: TemplateValues): string {
  switch (name) {
    case 'action':
      return action;
    case 'kind':
      return kind;
    case 'event.id':
      return trigger.eventId;
    case 'event.type':
      return trigger.eventType;
    case 'event.time':
      return trigger.time;
    case 'subject':
      return trigger.subject ?? '';
    case 'rule':
      return trigger.ruleId ?? '';
    case 'typology':
      return trigger.typology ?? '';
    case 'reasons':
      return trigger.reasons.join('; ');
  }
  if (rolePattern.test(name)) {
    const role = name.slice('entities.'.length);
    return Object.hasOwn(trigger.entities, role) ? (trigger.entities[role] ?? '') : '';
  }
  throw new EngineError('CONFIG_INVALID', `unknown payload placeholder '{{${name}}}'`);
}
