import { writeFile } from 'node:fs/promises';
import { Command } from 'commander';
import { AuditLog } from '../../audit/index.js';
import { EvidenceVault, evidenceKeyFromEnvironment } from '../../evidence/index.js';
import { openStorage } from '../../storage/index.js';
import { cliSettings } from '../cli-settings.js';
import type { CliIo } from '../io.js';
import { reasonOption } from '../options.js';
import { type StorageCliOptions, storageSettings, withStorageOptions } from '../storage-options.js';

async function withVault<T>(
  options: StorageCliOptions & { dir: string },
  work: (vault: EvidenceVault) => Promise<T>,
): Promise<T> {
  const storage = await openStorage(storageSettings(options));
  try {
    const audit = new AuditLog(storage.engine.audit);
    const vault = new EvidenceVault({
      directory: options.dir,
      key: evidenceKeyFromEnvironment({ PREVAIL_EVIDENCE_KEY: cliSettings().evidenceKey }),
      audit: (action) => audit.record(action),
    });
    return await work(vault);
  } finally {
    await storage.close();
  }
}

/**
 * `prevail evidence open|purge`: read a preserved item (decrypted, audited with a reason) and
 * delete those past retention. Items are written by evidence preservation (`prevail serve
 * --stream-evidence-dir`); the key is `PREVAIL_EVIDENCE_KEY`.
 */
export function evidenceCommand(io: CliIo): Command {
  const evidence = new Command('evidence').summary('open preserved evidence (audited) and purge it past retention');
  evidence.addCommand(
    withStorageOptions(new Command('open'))
      .summary('decrypt one evidence item to a file; the read is recorded in the audit log')
      .argument('<id>', 'the evidence id (from the audit log entry evidence.preserve)')
      .requiredOption('--dir <dir>', 'the evidence directory')
      .requiredOption('--reason <why>', 'why you are opening it (recorded in the audit log)', reasonOption)
      .requiredOption('--out <file>', 'where to write the decrypted media')
      .option('--actor <name>', 'who is opening it (recorded in the audit log)', cliSettings().actor)
      .action(
        async (id: string, options: StorageCliOptions & { dir: string; reason: string; out: string; actor: string }) =>
          withVault(options, async (vault) => {
            const { record, media } = await vault.open(id, {
              actor: `person:${options.actor}`,
              reason: options.reason,
            });
            await writeFile(options.out, media, { mode: 0o600 });
            io.stdout.write(`${JSON.stringify(record)}\n`);
          }),
      ),
  );
  evidence.addCommand(
    withStorageOptions(new Command('purge'))
      .summary('delete evidence items past their retention (audited)')
      .requiredOption('--dir <dir>', 'the evidence directory')
      .option('--actor <name>', 'who runs the purge (recorded in the audit log)', cliSettings().actor)
      .action(async (options: StorageCliOptions & { dir: string; actor: string }) =>
        withVault(options, async (vault) => {
          io.stdout.write(`${JSON.stringify({ purged: await vault.purgeExpired(`person:${options.actor}`) })}\n`);
        }),
      ),
  );
  return evidence;
}
