/**
 * The workload of `npm run bench -- rules`, shared by the benchmark and each side it runs in a
 * process of its own (`rules-side.ts`): the policy (20 windowed features over five event types,
 * 50 rules, one typology) and the deterministic synthetic events. It imports nothing from src/, so
 * a side loads only the code of the commit it measures.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const windows = ['1h', '24h', '7d', '30d'];
const countries = ['GB', 'US', 'AU', 'PH', 'KH', 'DE', 'CA', 'TH'];

/**
 * 20 features over five event types, as a real policy spreads them: payer and payee
 * aggregates of payments, messages and gifts per user, private sessions and viewers per host.
 */
function featuresYaml(): string {
  const lines = ['features:'];
  for (const window of windows) {
    lines.push(
      `  - { name: count_${window}, entity: payment_account, events: [payment.sent], aggregate: count, window: ${window} }`,
    );
    lines.push(
      `  - { name: sum_${window}, entity: payment_account, events: [payment.sent], aggregate: sum, field: data.amount, window: ${window} }`,
    );
    lines.push(
      `  - { name: payers_${window}, entity: payee_account, entity_type: payment_account, events: [payment.sent], aggregate: distinct, field: entities.payment_account, window: ${window} }`,
    );
  }
  for (const window of ['1h', '24h']) {
    lines.push(
      `  - { name: messages_${window}, entity: user, events: [message.sent], aggregate: count, window: ${window} }`,
    );
    lines.push(
      `  - { name: contacts_${window}, entity: user, events: [message.sent], aggregate: distinct, field: entities.recipient, window: ${window} }`,
    );
    lines.push(
      `  - { name: gifts_${window}, entity: user, events: [gift.sent], aggregate: sum, field: data.amount, window: ${window} }`,
    );
    lines.push(
      `  - { name: viewers_${window}, entity: host, entity_type: user, events: [stream.viewer_joined], aggregate: distinct, field: entities.user, window: ${window} }`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** The condition of benchmark rule `i` on `type` (10 rules per type, thresholds varied). */
function condition(type: string, i: number): string {
  const window = windows[i % 4] as string;
  const short = i % 2 === 0 ? '1h' : '24h';
  const threshold = 3 + (i % 7);
  switch (type) {
    case 'payment.sent':
      return [
        `has(features.count_${window}) && features.count_${window} >= ${threshold * 4}`,
        `has(features.sum_${window}) && features.sum_${window} > ${threshold * 400}.0`,
        `has(features.payers_${window}) && features.payers_${window} >= ${threshold * 3}`,
        `event.data.amount < 20.0 && event.data.payee_country == "${countries[i % countries.length]}"`,
      ][i % 4] as string;
    case 'message.sent':
      return i % 2 === 0
        ? `has(features.contacts_${short}) && features.contacts_${short} >= ${threshold * 2}`
        : `has(features.messages_${short}) && features.messages_${short} >= ${threshold * 10}`;
    case 'gift.sent':
      return `has(features.gifts_${short}) && features.gifts_${short} > ${threshold * 100}.0`;
    case 'stream.viewer_joined':
      return `has(features.viewers_${short}) && features.viewers_${short} >= ${threshold * 5}`;
    default:
      return `event.data.visibility == "private" && event.data.viewer_count <= ${i % 3}.0`;
  }
}

const eventTypes = ['payment.sent', 'message.sent', 'gift.sent', 'stream.viewer_joined', 'session.started'];

/** 50 rules, 10 per event type, most in shadow mode and every tenth active. */
function rulesYaml(): string {
  const lines = ['rules:'];
  for (let i = 0; i < 50; i++) {
    const type = eventTypes[Math.floor(i / 10)] as string;
    lines.push(`  - id: bench_rule_${i}`);
    lines.push(`    description: synthetic benchmark rule ${i}`);
    lines.push(`    events: [${type}]`);
    lines.push(`    when: '${condition(type, i)}'`);
    lines.push(`    mode: ${i % 10 === 0 ? 'active' : 'shadow'}`);
    lines.push('    effects:');
    lines.push(i % 10 === 0 ? '      - verdict: review' : '      - typology: { name: bench_typology, points: 5 }');
  }
  return `${lines.join('\n')}\n`;
}

export async function writePolicy(directory: string): Promise<void> {
  await mkdir(join(directory, 'rules'), { recursive: true });
  await writeFile(join(directory, 'features.yaml'), featuresYaml());
  await writeFile(join(directory, 'rules', 'bench.yaml'), rulesYaml());
  await writeFile(
    join(directory, 'typologies.yaml'),
    'typologies:\n  - { name: bench_typology, subject: user, window: 30d, alert_threshold: 100000 }\n',
  );
}

/**
 * A deterministic stream of synthetic events over 20,000 users and payers, 30 days: 40 %
 * payments, 25 % messages, 15 % viewers joining, 10 % gifts, 10 % sessions.
 */
export function syntheticEvent(i: number, base: number) {
  const user = `u-${(i * 7919) % 20_000}`;
  const other = `u-${(i * 104_729) % 20_000}`;
  const time = new Date(base + i * 2500).toISOString();
  const slot = i % 20;
  if (slot < 8) {
    return {
      id: `bench-${i}`,
      type: 'payment.sent',
      time,
      entities: { payment_account: `payer-${(i * 7919) % 20_000}`, payee_account: `payee-${(i * 104_729) % 2000}` },
      data: { amount: 5 + ((i * 31) % 400), currency: 'USD', payee_country: countries[i % countries.length] as string },
    };
  }
  if (slot < 13)
    return {
      id: `bench-${i}`,
      type: 'message.sent',
      time,
      entities: { user, recipient: other },
      data: { text: 'synthetic' },
    };
  if (slot < 16)
    return {
      id: `bench-${i}`,
      type: 'stream.viewer_joined',
      time,
      entities: { user, stream: `s-${i % 500}`, host: `u-${i % 500}` },
      data: {},
    };
  if (slot < 18)
    return {
      id: `bench-${i}`,
      type: 'gift.sent',
      time,
      entities: { user, recipient: other },
      data: { amount: 1 + (i % 50) },
    };
  return {
    id: `bench-${i}`,
    type: 'session.started',
    time,
    entities: { user, stream: `s-${i}` },
    data: { kind: 'stream', visibility: i % 3 === 0 ? 'private' : 'public', viewer_count: i % 4 },
  };
}
