import type { PaymentsProfile } from '../../payments/index.js';

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? [];
  return rows
    .map((row) =>
      row
        .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .map((line) => `${line}\n`)
    .join('');
}

/** `channel: declared on 3 payments, inferred on 5 (local_instrument 2, debtor_agent 3), unknown on 2`. */
function channelLine(channels: PaymentsProfile['channels']): string {
  const by = Object.entries(channels.inferredBy)
    .map(([basis, count]) => `${basis} ${count}`)
    .join(', ');
  const inferred = `inferred on ${channels.inferred}${by === '' ? '' : ` (${by})`}`;
  return `channel: declared on ${channels.declared} payments, ${inferred}, unknown on ${channels.unknown}\n`;
}

/**
 * A payments profile as text for people (`prevail payments profile`, and `payments screen` on
 * standard error): field coverage, where the channels come from (declared, inferred and from
 * which field, unknown), then per rule whether it can fire and why not (or what it
 * does without an absent optional field), then per typology whether it can reach its alert
 * threshold on this input.
 */
export function profileText(profile: PaymentsProfile): string {
  const fields = table([
    ['field', 'present', 'share'],
    ...profile.fields.map((field) => [field.name, String(field.present), `${(field.share * 100).toFixed(1)}%`]),
  ]);
  const indicators = table([
    ['ind.', 'rule', 'can fire', 'why not / when absent'],
    ...profile.indicators.map((reach) => [
      reach.indicator,
      reach.id,
      reach.canFire ? (reach.waitsFor === undefined ? 'yes' : 'after label') : 'no',
      reach.canFire
        ? [...(reach.waitsFor === undefined ? [] : [`waits for ${reach.waitsFor}`]), ...reach.degraded].join('; ')
        : `needs ${reach.missing.join('; ')}`,
    ]),
  ]);
  const typologies = table([
    ['typology', 'effective', 'points', 'why'],
    ...profile.typologies.map((reach) => [
      reach.id,
      reach.effective ? 'yes' : 'no',
      `${reach.reachablePoints}/${reach.alertThreshold}`,
      reach.why,
    ]),
  ]);
  return `${profile.records} payments\n\n${fields}\n${channelLine(profile.channels)}\n${indicators}\n${typologies}`;
}
