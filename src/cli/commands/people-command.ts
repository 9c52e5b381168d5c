import { Command } from 'commander';
import { createServices, type Services } from '../../app/index.js';
import { EngineError } from '../../core/index.js';
import { generatePassword, type Person, roles } from '../../people/index.js';
import { cliSettings } from '../cli-settings.js';
import type { CliIo } from '../io.js';
import { commaList } from '../options.js';
import { type StorageCliOptions, storageSettings, withStorageOptions } from '../storage-options.js';

interface ActorOptions extends StorageCliOptions {
  actor: string;
  reason?: string;
}

/** The first line of standard input (a password piped in), without its line break. */
async function readFirstLine(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    chunks.push(buffer);
    size += buffer.length;
    if (size > 64 * 1024) throw new EngineError('PERSON_INVALID', 'the password on standard input is too long');
  }
  const text = Buffer.concat(chunks).toString('utf8');
  const end = text.search(/\r?\n/);
  return end === -1 ? text : text.slice(0, end);
}

function withActor(command: Command): Command {
  return withStorageOptions(command)
    .option('--actor <name>', 'who does it (recorded in the audit log as person:<name>)', cliSettings().actor)
    .option('--reason <text>', 'why (recorded in the audit log)');
}

function change(options: ActorOptions): { actor: string; reason?: string } {
  return { actor: `person:${options.actor}`, ...(options.reason !== undefined ? { reason: options.reason } : {}) };
}

async function withPeople<T>(options: StorageCliOptions, work: (services: Services) => Promise<T>): Promise<T> {
  const services = await createServices(storageSettings(options), { loadIndexes: false });
  try {
    return await work(services);
  } finally {
    await services.close();
  }
}

/**
 * `prevail people add|list|roles|opt-in|opt-out|disable|password`: the console's people. Every
 * change is audited with `--actor` (default `$USER`) as `person:<actor>`. `add` takes the
 * password on standard input (`--password-stdin`), or generates one and prints it once (it is
 * never stored, only its scrypt hash), or none (`--no-password`: single sign-on only).
 */
export function peopleCommand(io: CliIo): Command {
  const stdin = () => io.stdin ?? process.stdin;
  const write = (value: unknown) => io.stdout.write(`${JSON.stringify(value)}\n`);
  const people = new Command('people').summary('console people: add, list, roles, child-safety opt-in, disable');
  people.addCommand(
    withActor(new Command('add'))
      .summary('add a person who can sign in to the console')
      .argument('<login>', 'lowercase [a-z0-9._-], at most 64 characters')
      .option('--name <display name>', 'the name shown in the console (default: the login)')
      .option('--roles <list>', `comma-separated: ${roles.join(', ')}`, commaList, [])
      .option('--password-stdin', 'read the password (at least 12 characters) from the first line of standard input')
      .option('--no-password', 'no password: the person signs in with single sign-on only')
      .action(
        async (
          login: string,
          options: ActorOptions & { name?: string; roles: string[]; passwordStdin?: boolean; password: boolean },
        ) => {
          let password: string | null;
          let generated = false;
          if (options.password === false) password = null;
          else if (options.passwordStdin === true) password = await readFirstLine(stdin());
          else {
            password = generatePassword();
            generated = true;
          }
          const person = await withPeople(options, (services) =>
            services.people.create(
              { login, displayName: options.name ?? login, password, roles: options.roles },
              change(options),
            ),
          );
          write(generated ? { ...person, password } : person);
          if (generated) io.stderr.write('prevail: the generated password is shown once; it is not stored\n');
        },
      ),
  );
  people.addCommand(
    withStorageOptions(new Command('list'))
      .summary('list people (never their passwords), one JSON line each')
      .action(async (options: StorageCliOptions) => {
        const list = await withPeople(options, (services) => services.people.list());
        for (const person of list) write(person);
      }),
  );
  people.addCommand(
    withActor(new Command('roles'))
      .summary("replace a person's roles")
      .argument('<login>')
      .requiredOption('--roles <list>', `comma-separated: ${roles.join(', ')} (empty: none)`, commaList)
      .action(async (login: string, options: ActorOptions & { roles: string[] }) => {
        write(await withPeople(options, (services) => services.people.setRoles(login, options.roles, change(options))));
      }),
  );
  for (const [name, optIn] of [
    ['opt-in', true],
    ['opt-out', false],
  ] as const) {
    people.addCommand(
      withStorageOptions(new Command(name))
        .summary(
          optIn
            ? "record a person's opt-in to child-safety work (with the role, it opens child-safety queues)"
            : "withdraw a person's opt-in to child-safety work",
        )
        .argument('<login>')
        .option('--actor <name>', 'who does it (recorded in the audit log as person:<name>)', cliSettings().actor)
        .requiredOption('--reason <text>', 'why (required; recorded in the audit log)')
        .action(async (login: string, options: ActorOptions) => {
          const person: Person = await withPeople(options, (services) =>
            services.people.setChildSafetyOptIn(login, optIn, change(options)),
          );
          write(person);
        }),
    );
  }
  people.addCommand(
    withActor(new Command('disable'))
      .summary('disable a person: their sessions end and they can no longer sign in')
      .argument('<login>')
      .action(async (login: string, options: ActorOptions) => {
        write(await withPeople(options, (services) => services.people.disable(login, change(options))));
      }),
  );
  people.addCommand(
    withActor(new Command('password'))
      .summary("set a person's password from standard input (their sessions end)")
      .argument('<login>')
      .action(async (login: string, options: ActorOptions) => {
        const password = await readFirstLine(stdin());
        write(await withPeople(options, (services) => services.people.setPassword(login, password, change(options))));
      }),
  );
  return people;
}
