import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { Command } from 'commander';
import { builtinPacks, createServices, type Services } from '../../app/index.js';
import { type CaseStatus, caseStatuses } from '../../cases/index.js';
import { EngineError } from '../../core/index.js';
import { loadEngineConfig } from '../../engine/index.js';
import { splitEntityKey } from '../../events/index.js';
import { ocseLabel } from '../../payments/index.js';
import { checkRules, formatDiagnostics } from '../../rules/index.js';
import { cliLogger, cliSettings } from '../cli-settings.js';
import type { CliIo } from '../io.js';
import { positiveInteger, reasonOption } from '../options.js';
import { startProgress } from '../progress.js';
import { type StorageCliOptions, storageSettings, withStorageOptions } from '../storage-options.js';
import { auditCommand } from './audit-command.js';
import { caseReportCommand } from './case-report-command.js';
import { eventsDeadLettersCommand, eventsReplayCommand } from './event-replay-commands.js';

async function withEngine<T>(options: StorageCliOptions, work: (services: Services) => Promise<T>): Promise<T> {
  const services = await createServices(storageSettings(options), {
    loadIndexes: false,
    withEngine: true,
    logger: cliLogger(),
  });
  try {
    return await work(services);
  } finally {
    await services.close();
  }
}

const batchSize = 1000;

/** `prevail events ingest`: stream a JSONL file of events into the engine. */
function eventsCommand(io: CliIo, setExitCode: (code: number) => void): Command {
  const events = new Command('events').summary('ingest events into the signals engine');
  events.addCommand(
    withStorageOptions(new Command('ingest'))
      .summary('ingest a JSONL file of events (one event object per line)')
      .description(
        'Each line is an event {id, type, time, entities, data}. Events are stored durably in batches of 1,000 and processed by the engine with the policy given by --policy (required: events processed with no rules are still counted as processed, so pass --without-policy only when that is what you mean, and use `prevail events replay` to process them under a policy later). Ingestion is idempotent by event id: a file can be sent again. Prints {"lines", "accepted", "duplicates", "rejected"}; each rejected line goes to stderr as "file:line: path: problem" (including limit problems: size, depth, string length, time range; see limits.yaml). Exit status 1 when any line was rejected.',
      )
      .argument('<file>', 'the JSONL file, or - for standard input')
      .option('--no-progress', 'never show the progress bar')
      .option('--without-policy', 'store and process the events with no policy (no rules run) on purpose')
      .action(async (file: string, options: StorageCliOptions & { progress: boolean; withoutPolicy?: boolean }) => {
        const policy = options.policy === undefined || options.policy === '' ? undefined : options.policy;
        if (policy === undefined && options.withoutPolicy !== true) {
          throw new EngineError(
            'CONFIG_INVALID',
            'events ingest needs --policy DIR (or PREVAIL_POLICY_DIR); without one no rule runs and the events still count as processed. Pass --without-policy to do that on purpose (then `prevail events replay --policy DIR` processes them under a policy).',
          );
        }
        if (policy !== undefined && options.withoutPolicy === true)
          throw new EngineError('CONFIG_INVALID', 'give either --policy or --without-policy, not both');
        return withEngine(options, async ({ engine }) => {
          if (engine === undefined) throw new EngineError('INTERNAL', 'the engine did not open');
          const total = file === '-' ? 0 : (await stat(file)).size;
          const input = file === '-' ? process.stdin : createReadStream(file);
          const progress = startProgress(
            Math.max(1, Math.ceil(total / 4096)),
            options.progress && io.stderr.isTTY === true,
            io.stderr,
            'ingesting',
          );
          const summary = { lines: 0, accepted: 0, duplicates: 0, rejected: 0 };
          let pending: { line: number; value: unknown }[] = [];
          const flush = async () => {
            const results = await engine.engine.ingest(pending.map((item) => item.value));
            for (const result of results) {
              const line = pending[result.index]?.line ?? 0;
              if (result.status === 'accepted') summary.accepted++;
              else if (result.status === 'duplicate') summary.duplicates++;
              else {
                summary.rejected++;
                for (const problem of result.problems)
                  io.stderr.write(`${file}:${line}: ${problem.path}: ${problem.message}\n`);
              }
            }
            pending = [];
            progress.tick();
          };
          for await (const text of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
            summary.lines++;
            if (text.trim() === '') continue;
            let value: unknown;
            try {
              value = JSON.parse(text);
            } catch {
              summary.rejected++;
              io.stderr.write(`${file}:${summary.lines}: (line): not valid JSON\n`);
              continue;
            }
            pending.push({ line: summary.lines, value });
            if (pending.length >= batchSize) await flush();
          }
          if (pending.length > 0) await flush();
          await engine.engine.drain();
          progress.stop();
          io.stdout.write(`${JSON.stringify(summary)}\n`);
          setExitCode(summary.rejected > 0 ? 1 : 0);
        });
      }),
  );
  events.addCommand(eventsReplayCommand(io));
  events.addCommand(eventsDeadLettersCommand(io));
  return events;
}

/** `prevail rules check|stats`. */
function rulesCommand(io: CliIo, setExitCode: (code: number) => void): Command {
  const rules = new Command('rules').summary('check rules before they run; see their hits and precision');
  rules.addCommand(
    new Command('check')
      .summary('validate a policy directory (features, typologies, labels, rules) like a compiler')
      .argument('<policy>', 'the policy directory (its rules are under rules/)')
      .action(async (policy: string) => {
        const config = await loadEngineConfig(policy, { packRegistry: builtinPacks });
        const diagnostics = await checkRules(config.rulesDirectory, config.catalogs);
        if (diagnostics.length > 0) {
          io.stderr.write(`${formatDiagnostics(diagnostics, { directory: config.rulesDirectory })}\n`);
          io.stderr.write(`${diagnostics.length} problem(s)\n`);
          setExitCode(1);
          return;
        }
        io.stdout.write(
          `ok: ${config.features.length} features, ${config.typologies.length} typologies, ${config.labels.length} labels (packs: ${config.packs.map((pack) => `${pack.name} v${pack.version}`).join(', ') || 'none'})\n`,
        );
      }),
  );
  rules.addCommand(
    withStorageOptions(new Command('stats'))
      .summary("each rule's hits (active and shadow) and its precision against decided cases")
      .action(async (options: StorageCliOptions) => {
        const services = await createServices(storageSettings(options), { loadIndexes: false });
        try {
          for (const row of await services.storage.engine.ruleHitStats()) {
            const decided = row.confirmed + row.dismissed;
            io.stdout.write(
              `${JSON.stringify({ ...row, precision: decided === 0 ? null : row.confirmed / decided })}\n`,
            );
          }
        } finally {
          await services.close();
        }
      }),
  );
  return rules;
}

/** Runs `work` on services opened without indexes, then closes them. */
async function withServices<T>(options: StorageCliOptions, work: (services: Services) => Promise<T>): Promise<T> {
  const services = await createServices(storageSettings(options), { loadIndexes: false, logger: cliLogger() });
  try {
    return await work(services);
  } finally {
    await services.close();
  }
}

/** `prevail cases list|show|hold|report|purge`: every read and change goes through the cases service. */
function casesCommand(io: CliIo): Command {
  const cases = new Command('cases').summary(
    'list, show, hold and report cases (goAML, FinCEN); purge closed cases past retention',
  );
  cases.addCommand(
    withStorageOptions(new Command('list'))
      .summary('list cases, newest first (the read is audited)')
      .requiredOption('--reason <why>', 'why you are listing them (recorded in the audit log)', reasonOption)
      .option('--actor <name>', 'who is reading (recorded in the audit log)', cliSettings().actor)
      .option('--status <status>', caseStatuses.join(', '))
      .option('--subject <entity>', 'e.g. user:u123')
      .option('--limit <n>', 'at most this many', positiveInteger, 100)
      .action(
        async (
          options: StorageCliOptions & {
            reason: string;
            actor: string;
            status?: CaseStatus;
            subject?: string;
            limit: number;
          },
        ) =>
          withServices(options, async (services) => {
            if (options.status !== undefined && !caseStatuses.includes(options.status))
              throw new EngineError('REQUEST_INVALID', `--status must be one of ${caseStatuses.join(', ')}`);
            const filter = {
              limit: options.limit,
              ...(options.status !== undefined ? { status: options.status } : {}),
              ...(options.subject !== undefined ? { subject: options.subject } : {}),
            };
            const access = { actor: `person:${options.actor}`, reason: options.reason };
            for (const item of await services.cases.list(filter, access)) io.stdout.write(`${JSON.stringify(item)}\n`);
          }),
      ),
  );
  cases.addCommand(
    withStorageOptions(new Command('decisions'))
      .summary("analysts' decisions on payment-account cases as training labels (JSONL; the read is audited)")
      .description(
        'Writes one JSON line per decided case whose subject is a payment account: {"account", "decision": "confirmed" | "dismissed", "case", "typology"}, newest first; when an account has several decided cases, "prevail payments train" keeps the last line it reads for it (the oldest decision here). Then one line {"account", "decision": "confirmed", "label": "ocse_confirmed_payer", "by"} per payment account a person labelled a confirmed payer (POST /v1/entities/payment_account/<id>/labels, or the console) that no decided case already gives. These are the labels "prevail payments train --labels" learns from. The list is audited like "cases list".',
      )
      .requiredOption('--reason <why>', 'why you are reading them (recorded in the audit log)', reasonOption)
      .option('--actor <name>', 'who is reading (recorded in the audit log)', cliSettings().actor)
      .option('--limit <n>', 'at most this many cases', positiveInteger, 100_000)
      .action(async (options: StorageCliOptions & { reason: string; actor: string; limit: number }) =>
        withServices(options, async (services) => {
          const access = { actor: `person:${options.actor}`, reason: options.reason };
          const decided = await services.cases.list({ decided: true, limit: options.limit }, access);
          const decidedAccounts = new Set<string>();
          for (const item of decided) {
            const subject = splitEntityKey(item.subject);
            if (subject.type !== 'payment_account' || item.decision === null) continue;
            io.stdout.write(
              `${JSON.stringify({ account: subject.id, decision: item.decision, case: item.id, typology: item.typology })}\n`,
            );
            decidedAccounts.add(subject.id);
          }
          // A person's label is a decision too (the analyst confirmed the payer without a case,
          // or through the API); a rule's label is not, and a propagated one names other accounts.
          for (const label of await services.storage.engine.activeLabels(new Date().toISOString())) {
            const entity = splitEntityKey(label.entity);
            if (label.label !== ocseLabel.confirmedPayer || entity.type !== 'payment_account') continue;
            if (!label.source.startsWith('person:') || decidedAccounts.has(entity.id)) continue;
            io.stdout.write(
              `${JSON.stringify({ account: entity.id, decision: 'confirmed', label: label.label, by: label.source })}\n`,
            );
            decidedAccounts.add(entity.id);
          }
        }),
      ),
  );
  cases.addCommand(
    withStorageOptions(new Command('show'))
      .summary('show a case with its timeline, links and rule hits (the read is audited)')
      .argument('<id>', 'the case id', positiveInteger)
      .requiredOption('--reason <why>', 'why you are reading it (recorded in the audit log)', reasonOption)
      .option('--actor <name>', 'who is reading (recorded in the audit log)', cliSettings().actor)
      .action(async (id: number, options: StorageCliOptions & { reason: string; actor: string }) =>
        withServices(options, async (services) => {
          const file = await services.cases.show(id, { actor: `person:${options.actor}`, reason: options.reason });
          io.stdout.write(`${JSON.stringify(file, null, 2)}\n`);
        }),
      ),
  );
  cases.addCommand(
    withStorageOptions(new Command('hold'))
      .summary('place a legal hold on a case (never purged while held), or lift it with --release (audited)')
      .argument('<id>', 'the case id', positiveInteger)
      .requiredOption('--reason <why>', 'why (recorded as the hold reason and in the audit log)', reasonOption)
      .option('--release', 'lift the hold instead')
      .option('--actor <name>', 'who holds it (recorded in the audit log)', cliSettings().actor)
      .action(async (id: number, options: StorageCliOptions & { reason: string; actor: string; release?: boolean }) =>
        withServices(options, async (services) => {
          const updated = await services.cases.update(
            id,
            { legalHold: options.release !== true },
            { actor: `person:${options.actor}`, reason: options.reason },
          );
          io.stdout.write(`${JSON.stringify(updated)}\n`);
        }),
      ),
  );
  cases.addCommand(caseReportCommand(io));
  cases.addCommand(
    withStorageOptions(new Command('purge'))
      .summary('delete closed cases whose retention has ended (one year after closing) and that have no legal hold')
      .option('--actor <name>', 'who runs the purge (recorded in the audit log)', cliSettings().actor)
      .action(async (options: StorageCliOptions & { actor: string }) =>
        withServices(options, async (services) => {
          const ids = await services.cases.purgeExpired(`person:${options.actor}`);
          io.stdout.write(`${JSON.stringify({ purged: ids })}\n`);
        }),
      ),
  );
  return cases;
}

/** The signals-engine commands. */
export function engineCommands(io: CliIo, setExitCode: (code: number) => void): Command[] {
  return [
    eventsCommand(io, setExitCode),
    rulesCommand(io, setExitCode),
    casesCommand(io),
    auditCommand(io, setExitCode),
  ];
}
