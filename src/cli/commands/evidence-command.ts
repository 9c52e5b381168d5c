import { writeFile } from 'node:fs/promises';
import { Command } from 'commander';
import { AuditLog } from '../../audit/index.js';
import { EvidenceVault, evidenceKeyRingFromEnvironment } from '../../evidence/index.js';
import { openStorage } from '../../storage/index.js';
import { cliSettings } from '../cli-settings.js';
import type { CliIo } from '../io.js';
import { commaList, reasonOption } from '../options.js';
import { type StorageCliOptions, storageSettings, withStorageOptions } from '../storage-options.js';

type VaultCliOptions = StorageCliOptions & { dir: string; actor: string };

/**
 * Opens the vault in `--dir` with the key ring of the settings (`PREVAIL_EVIDENCE_KEYS`, else
 * `PREVAIL_EVIDENCE_KEY` as key id `default`), auditing to the database's audit log.
 */
async function withVault<T>(options: StorageCliOptions & { dir: string }, work: (vault: EvidenceVault) => Promise<T>) {
  const keyRing = evidenceKeyRingFromEnvironment({
    PREVAIL_EVIDENCE_KEY: cliSettings().evidenceKey,
    PREVAIL_EVIDENCE_KEYS: cliSettings().evidenceKeys,
  });
  const storage = await openStorage(storageSettings(options));
  try {
    const audit = new AuditLog(storage.engine.audit);
    const vault = new EvidenceVault({
      directory: options.dir,
      keyRing,
      audit: (action) => audit.record(action),
    });
    return await work(vault);
  } finally {
    await storage.close();
  }
}

/** The options every `prevail evidence` subcommand shares: the database, `--dir` and `--actor`. */
function vaultCommand(name: string, summary: string, actorHelp: string): Command {
  return withStorageOptions(new Command(name))
    .summary(summary)
    .requiredOption('--dir <dir>', 'the evidence directory')
    .option('--actor <name>', `${actorHelp} (recorded in the audit log)`, cliSettings().actor);
}

/**
 * `prevail evidence open|list|purge|hold|release|rotate-key`: read a preserved item (decrypted,
 * audited with a reason), list items and their holds, delete those past retention and not held,
 * place and release legal holds, and rewrap every item to the key ring's current key. Items are
 * written by evidence preservation (`prevail serve --stream-evidence-dir`: matched stream frames
 * and uploads) and by report preservation; the keys are `PREVAIL_EVIDENCE_KEYS` /
 * `PREVAIL_EVIDENCE_KEY`. `rotate-key` exits 1 when an item could not be rewrapped.
 */
export function evidenceCommand(io: CliIo, setExitCode: (code: number) => void): Command {
  const print = (value: unknown) => io.stdout.write(`${JSON.stringify(value)}\n`);
  const evidence = new Command('evidence').summary(
    'open preserved evidence (audited), list it, hold it, purge it past retention, rotate its key',
  );
  evidence.addCommand(
    vaultCommand(
      'open',
      'decrypt one evidence item to a file; the read is recorded in the audit log',
      'who is opening it',
    )
      .argument('<id>', 'the evidence id (from the audit log entry evidence.preserve, or evidence list)')
      .requiredOption('--reason <why>', 'why you are opening it (recorded in the audit log)', reasonOption)
      .requiredOption('--out <file>', 'where to write the decrypted media')
      .action(async (id: string, options: VaultCliOptions & { reason: string; out: string }) =>
        withVault(options, async (vault) => {
          const { record, media } = await vault.open(id, { actor: `person:${options.actor}`, reason: options.reason });
          await writeFile(options.out, media, { mode: 0o600 });
          print(record);
        }),
      ),
  );
  evidence.addCommand(
    vaultCommand(
      'list',
      'list evidence items (metadata only: nothing is decrypted), their key ids and holds',
      'who asks',
    )
      .option('--subject <subject>', 'only the items about this subject, e.g. case:12 or stream:s-1')
      .action(async (options: VaultCliOptions & { subject?: string }) =>
        withVault(options, async (vault) => {
          const items = await vault.list(options.subject !== undefined ? { subject: options.subject } : {});
          print({ items, holds: await vault.activeHolds() });
        }),
      ),
  );
  evidence.addCommand(
    vaultCommand(
      'purge',
      'delete evidence items past their retention and under no legal hold (audited)',
      'who runs the purge',
    ).action(async (options: VaultCliOptions) =>
      withVault(options, async (vault) => {
        print({ purged: await vault.purgeExpired(`person:${options.actor}`) });
      }),
    ),
  );
  evidence.addCommand(
    vaultCommand(
      'hold',
      'place a legal hold: the items are kept past their retention until it is released',
      'who places it',
    )
      .option('--subject <subject>', 'hold every item about this subject (those preserved later too), e.g. case:12')
      .option('--items <ids>', 'hold these evidence ids (comma-separated)', commaList)
      .option('--until <instant>', 'the hold lapses by itself then (ISO 8601); default: until released')
      .requiredOption(
        '--reason <why>',
        'why, e.g. the preservation request it answers (recorded in the audit log)',
        reasonOption,
      )
      .action(
        async (options: VaultCliOptions & { subject?: string; items?: string[]; until?: string; reason: string }) =>
          withVault(options, async (vault) => {
            print(
              await vault.placeHold({
                ...(options.subject !== undefined ? { subject: options.subject } : {}),
                ...(options.items !== undefined ? { itemIds: options.items } : {}),
                ...(options.until !== undefined ? { until: options.until } : {}),
                reason: options.reason,
                actor: `person:${options.actor}`,
              }),
            );
          }),
      ),
  );
  evidence.addCommand(
    vaultCommand('release', 'release a legal hold (the items fall back to their own retention)', 'who releases it')
      .argument('<hold>', 'the hold id (hold-…, from evidence hold or evidence list)')
      .requiredOption('--reason <why>', 'why it is released (recorded in the audit log)', reasonOption)
      .action(async (holdId: string, options: VaultCliOptions & { reason: string }) =>
        withVault(options, async (vault) => {
          print(await vault.releaseHold({ holdId, reason: options.reason, actor: `person:${options.actor}` }));
        }),
      ),
  );
  evidence.addCommand(
    vaultCommand(
      'rotate-key',
      "rewrap every item to the key ring's current key (the first of PREVAIL_EVIDENCE_KEYS); audited",
      'who rotates',
    )
      .requiredOption('--reason <why>', 'why, e.g. scheduled rotation (recorded in the audit log)', reasonOption)
      .action(async (options: VaultCliOptions & { reason: string }) =>
        withVault(options, async (vault) => {
          const rotation = await vault.rotateKey(`person:${options.actor}`, options.reason);
          print(rotation);
          if (rotation.failed.length > 0) {
            io.stderr.write(
              `prevail: ${rotation.failed.length} evidence item(s) could not be rewrapped and keep their old key; keep that key in the ring\n`,
            );
            setExitCode(1);
          }
        }),
      ),
  );
  return evidence;
}
