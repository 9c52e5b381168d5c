import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { Command } from 'commander';
import { createServices } from '../../app/index.js';
import {
  type AuditAnchor,
  auditKeyId,
  generateAuditSigningKeys,
  openAuditCheckpoint,
  parseAuditHead,
  parseAuditPublicKey,
} from '../../audit/index.js';
import { EngineError } from '../../core/index.js';
import type { CliIo } from '../io.js';
import { type StorageCliOptions, storageSettings, withStorageOptions } from '../storage-options.js';

/** Collects a repeatable option's values, for commander. */
function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Reads a file a command was given, with a coded error when it cannot. */
async function readInput(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new EngineError(
      code === 'ENOENT' ? 'INPUT_NOT_FOUND' : 'INPUT_UNREADABLE',
      `${file}: ${code === 'ENOENT' ? 'no such file' : 'cannot be read'}`,
    );
  }
}

interface VerifyOptions extends StorageCliOptions {
  head?: string[];
  checkpoint?: string[];
  publicKey?: string;
}

/** The anchors `verify` was given: heads as JSON text, checkpoints as files checked against the public key. */
async function anchorsOf(options: VerifyOptions): Promise<AuditAnchor[]> {
  const anchors: AuditAnchor[] = (options.head ?? []).map((text) => ({ ...parseAuditHead(text), source: '--head' }));
  const files = options.checkpoint ?? [];
  if (files.length === 0) return anchors;
  if (options.publicKey === undefined)
    throw new EngineError(
      'CONFIG_INVALID',
      '--checkpoint needs --public-key (the PEM file or base64 key to check it with)',
    );
  const isFile = existsSync(options.publicKey);
  let publicKey: ReturnType<typeof parseAuditPublicKey>;
  try {
    publicKey = parseAuditPublicKey(isFile ? await readInput(options.publicKey) : options.publicKey);
  } catch (error) {
    if (isFile || !(error instanceof EngineError)) throw error;
    throw new EngineError(
      'AUDIT_CHECKPOINT_INVALID',
      '--public-key is neither a readable file nor a base64 DER (SPKI) public key',
    );
  }
  for (const file of files) {
    const checkpoint = openAuditCheckpoint(await readInput(file), publicKey, basename(file));
    anchors.push({ seq: checkpoint.seq, hash: checkpoint.hash, source: `checkpoint ${basename(file)}` });
  }
  return anchors;
}

/**
 * `prevail audit verify|head|keygen`: check the hash chain (optionally against heads and signed
 * checkpoints kept outside the database), print the head to keep, make a checkpoint signing key.
 */
export function auditCommand(io: CliIo, setExitCode: (code: number) => void): Command {
  const audit = new Command('audit').summary('the hash-chained audit log: verify it, anchor it outside the database');
  audit.addCommand(
    withStorageOptions(new Command('verify'))
      .summary('check that no audit entry was edited, removed, reordered or malformed, and that anchors still hold')
      .description(
        'Walks the chain and prints {"ok", "entries", "anchors"?, "problem"?: {"seq", "reason"}}. With --head (the JSON "prevail audit head" printed earlier) or --checkpoint (a signed checkpoint file the server wrote, checked with --public-key), it also fails when the log no longer holds the anchored entry with the anchored hash: entries removed from the end, the log emptied, or rewritten. On failure: exit 1 and "prevail: AUDIT_CHAIN_BROKEN: …" on stderr.',
      )
      .option(
        '--head <json>',
        'a head printed by "prevail audit head", e.g. \'{"seq":42,"hash":"…"}\' (repeatable)',
        collect,
      )
      .option(
        '--checkpoint <file>',
        'a signed checkpoint written by "prevail serve --audit-checkpoint-dir" (repeatable)',
        collect,
      )
      .option(
        '--public-key <file|base64>',
        'the Ed25519 public key checkpoints are checked with (PEM file, or base64 DER)',
      )
      .action(async (options: VerifyOptions) => {
        const anchors = await anchorsOf(options);
        const services = await createServices(storageSettings(options), { loadIndexes: false });
        try {
          const result = await services.audit.verify(anchors);
          io.stdout.write(`${JSON.stringify(result)}\n`);
          if (result.problem !== undefined) {
            throw new EngineError(
              'AUDIT_CHAIN_BROKEN',
              `the audit log does not verify at entry ${result.problem.seq}: ${result.problem.reason}`,
            );
          }
          setExitCode(0);
        } finally {
          await services.close();
        }
      }),
  );
  audit.addCommand(
    withStorageOptions(new Command('head'))
      .summary('print the last entry\'s {"seq","hash"}: keep it outside the database for "verify --head"')
      .action(async (options: StorageCliOptions) => {
        const services = await createServices(storageSettings(options), { loadIndexes: false });
        try {
          io.stdout.write(`${JSON.stringify(await services.audit.head())}\n`);
        } finally {
          await services.close();
        }
      }),
  );
  audit.addCommand(
    new Command('keygen')
      .summary('make an Ed25519 key pair for signed audit checkpoints (files are never overwritten)')
      .requiredOption(
        '--private-key <file>',
        'where to write the private key (PKCS#8 PEM, mode 600): PREVAIL_AUDIT_SIGNING_KEY',
      )
      .requiredOption('--public-key <file>', 'where to write the public key (SPKI PEM) for "audit verify --public-key"')
      .action(async (options: { privateKey: string; publicKey: string }) => {
        const { privateKeyPem, publicKeyPem } = generateAuditSigningKeys();
        for (const file of [options.privateKey, options.publicKey]) {
          if (existsSync(file))
            throw new EngineError('CONFIG_INVALID', `${file} exists; keygen never overwrites a key`);
        }
        await writeFile(options.privateKey, privateKeyPem, { mode: 0o600, flag: 'wx' });
        await writeFile(options.publicKey, publicKeyPem, { mode: 0o644, flag: 'wx' });
        const keyId = auditKeyId(parseAuditPublicKey(publicKeyPem));
        io.stdout.write(`${JSON.stringify({ keyId, privateKey: options.privateKey, publicKey: options.publicKey })}\n`);
      }),
  );
  return audit;
}
