/**
 * The measurement inside a side script (`bench/lib/*-side.ts`): reading the events the parent
 * wrote, wall and CPU time of the work and, for the sides that feed a screening engine, the
 * events ingested in calls of 1,000 and the typology alerts digested. It imports nothing from
 * src/: the engine passed in is the one loaded from the side's build root, this commit's or another's.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** Runs `work`; its wall seconds and this process's CPU seconds (user + system), and its value. */
export async function timed<T>(work: () => Promise<T>): Promise<{ seconds: number; cpuSeconds: number; value: T }> {
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const value = await work();
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  return { seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, value };
}

/** What of a screening engine the measurement uses (any commit's engine has it). */
interface Engine {
  ingest(events: unknown[]): Promise<unknown>;
  drain(): Promise<unknown>;
  typologyAlerts(): readonly unknown[];
}

/** Ingests `events` in calls of 1,000 and drains, timed; then the typology alerts' number and SHA-256. */
export async function ingestAndDigest(engine: Engine, events: readonly unknown[]) {
  const { seconds, cpuSeconds } = await timed(async () => {
    for (let index = 0; index < events.length; index += 1000) await engine.ingest(events.slice(index, index + 1000));
    await engine.drain();
  });
  const alerts = engine.typologyAlerts();
  const alertsSha256 = createHash('sha256').update(JSON.stringify(alerts)).digest('hex');
  return { seconds, cpuSeconds, alerts: alerts.length, alertsSha256 };
}

/** The engine events of `file`, one JSON object a line, as the parent benchmark wrote them. */
export function readEvents(file: string): unknown[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line));
}
