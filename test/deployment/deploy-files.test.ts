/**
 * The deployment files (Dockerfile, .dockerignore, compose.yaml, deploy/prevail.service,
 * deploy/prevail.env.example, deploy/nginx-prevail.conf) and docs/deployment.md cannot be run
 * here in full (no Docker daemon, no systemd as PID 1, no nginx), so this checks that they agree
 * with the code and with each other: every variable is one Prevail reads and its value is valid,
 * the port is the server's default, the health check path answers, the files the image copies
 * exist, the unit's writable paths hold the data directory, the proxy lets the largest upload
 * through, every `prevail …` command the guide names exists. `systemd-analyze verify` checks the
 * unit when it is installed.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, type TestContext, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { runCli } from '../../src/cli/index.js';
import { actionSecretVariable, readSettings, settingVariables } from '../../src/config/index.js';
import { captureIo } from '../support/capture-io.js';
import { startTestServer } from '../support/server-harness.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string) => readFile(join(root, path), 'utf8');

const known = new Set(settingVariables);
const isSetting = (name: string) => known.has(name) || actionSecretVariable.test(name);
/** Names whose value is a secret: never in an image layer. */
const secretLooking = /SECRET|KEY|PASSWORD|DATABASE_URL/;

/** `KEY=value` lines of an environment file (comments and blank lines skipped). */
function environmentFile(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (match) values[match[1] as string] = match[2] as string;
  }
  return values;
}

/** The instructions of a Dockerfile with their continuation lines joined. */
function dockerInstructions(text: string): { op: string; args: string }[] {
  const joined = text
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .join('\n')
    .replace(/\\\n/g, ' ');
  return joined
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => {
      const [op = '', ...rest] = line.split(/\s+/);
      return { op: op.toUpperCase(), args: rest.join(' ') };
    });
}

/** `[Section]` → key → values (a key may repeat) of a systemd unit. */
function unitFile(text: string): Map<string, Map<string, string[]>> {
  const sections = new Map<string, Map<string, string[]>>();
  let current: Map<string, string[]> | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const section = /^\[(.+)\]$/.exec(line);
    if (section) {
      current = new Map();
      sections.set(section[1] as string, current);
      continue;
    }
    const eq = line.indexOf('=');
    assert.ok(current !== undefined && eq > 0, `unit line outside a section or without "=": ${line}`);
    const key = line.slice(0, eq);
    current.set(key, [...(current.get(key) ?? []), line.slice(eq + 1)]);
  }
  return sections;
}

/**
 * `systemd-analyze verify` on a unit's `text` when the tool is installed (a diagnostic says so
 * when it is not); `verify` needs ExecStart's program to exist, so the node running this test
 * stands in for it.
 */
async function verifyUnit(t: TestContext, text: string, name: string): Promise<void> {
  const analyze = await run('systemd-analyze', ['--version']).then(
    () => true,
    () => false,
  );
  if (!analyze) {
    t.diagnostic(`systemd-analyze is not installed: ${name} is checked by the assertions above only`);
    return;
  }
  const folder = await mkdtemp(join(tmpdir(), 'prevail-unit-'));
  t.after(() => rm(folder, { recursive: true, force: true }));
  const unitPath = join(folder, name);
  await writeFile(unitPath, text.replace(/^ExecStart=\S+/m, `ExecStart=${process.execPath}`));
  const verified = await run('systemd-analyze', ['verify', unitPath]).then(
    (result) => ({ code: 0, stderr: result.stderr }),
    (error: { code?: number; stderr?: string }) => ({ code: error.code ?? 1, stderr: error.stderr ?? '' }),
  );
  assert.equal(verified.code, 0, verified.stderr);
  assert.equal(verified.stderr.trim(), '', 'no unknown keys, no unparsable values');
}

async function servePortDefault(): Promise<number> {
  const io = captureIo();
  await runCli(['serve', '--help'], io);
  const match = /--port <port>[\s\S]*?\(default: (\d+)\)/.exec(io.output() + io.errors());
  assert.ok(match, 'serve --help shows the default port');
  return Number(match[1]);
}

async function optionNames(command: 'serve' | 'worker'): Promise<Set<string>> {
  const io = captureIo();
  await runCli([command, '--help'], io);
  return new Set([...(io.output() + io.errors()).matchAll(/(--[a-z][a-z-]+)/g)].map((match) => match[1] as string));
}

const exampleEnvironment = async () => environmentFile(await read('deploy/prevail.env.example'));

describe('deployment files agree with the code', () => {
  test('deploy/prevail.env.example: every variable is a setting and the whole file is a valid configuration', async () => {
    const values = await exampleEnvironment();
    assert.ok(Object.keys(values).length >= 10);
    for (const name of Object.keys(values)) assert.ok(isSetting(name), `${name} is read by src/config`);
    const settings = readSettings(values);
    assert.equal(settings.port, await servePortDefault());
    assert.match(values.PREVAIL_DATABASE_URL ?? '', /^postgres:\/\/prevail:[^@]+@127\.0\.0\.1:5432\/prevail$/);
    for (const secret of ['PREVAIL_CONSOLE_SECRET', 'PREVAIL_AUDIT_SIGNING_KEY', 'PREVAIL_EVIDENCE_KEYS'])
      assert.equal(values[secret], '', `${secret} ships empty: no sample secret to copy`);
  });

  test('Dockerfile: multi-stage, runtime with production dependencies only, ffmpeg, non-root, no secrets, the server port, a live health check', async (t) => {
    const instructions = dockerInstructions(await read('Dockerfile'));
    const stages = instructions.filter((item) => item.op === 'FROM');
    assert.ok(stages.length >= 2, 'a build stage and a runtime stage');
    const lastFrom = instructions.lastIndexOf(stages.at(-1) as { op: string; args: string });
    const runtime = instructions.slice(lastFrom);
    const runs = runtime.filter((item) => item.op === 'RUN').map((item) => item.args);
    assert.ok(
      runs.some((args) => /npm ci --omit=dev/.test(args)),
      'npm ci --omit=dev in the runtime stage',
    );
    assert.ok(
      runs.some((args) => /apt-get install[^&]*\bffmpeg\b/.test(args)),
      "Debian's ffmpeg in the runtime stage",
    );
    const user = runtime.filter((item) => item.op === 'USER').at(-1)?.args;
    assert.ok(user !== undefined && user !== 'root' && user !== '0', `runs as ${user}`);
    const environment: Record<string, string> = {};
    for (const item of [...instructions.filter((entry) => entry.op === 'ENV' || entry.op === 'ARG')]) {
      for (const match of item.args.matchAll(/([A-Z][A-Z0-9_]*)=(\S*)/g))
        environment[match[1] as string] = match[2] as string;
    }
    for (const name of Object.keys(environment)) {
      assert.doesNotMatch(name, secretLooking, `${name} would bake a secret into the image`);
      if (name.startsWith('PREVAIL_')) assert.ok(isSetting(name), `${name} is read by src/config`);
    }
    const port = await servePortDefault();
    assert.equal(environment.PREVAIL_PORT, String(port));
    assert.equal(runtime.find((item) => item.op === 'EXPOSE')?.args, String(port));
    assert.equal(environment.PREVAIL_HOST, '0.0.0.0', 'reachable from outside the container');
    // Every COPY from the build context names something in the repository.
    for (const item of instructions.filter((entry) => entry.op === 'COPY' && !entry.args.startsWith('--from'))) {
      const sources = item.args.split(/\s+/).slice(0, -1);
      for (const source of sources) assert.ok(existsSync(join(root, source)), `COPY ${source} exists`);
    }
    // What the runtime stage copies from the build is where the builds write it.
    const buildConfig = JSON.parse(await read('tsconfig.build.json')) as { compilerOptions: { outDir: string } };
    assert.equal(buildConfig.compilerOptions.outDir, 'dist');
    assert.match(await read('bin/prevail.js'), /\.\.\/dist\/cli\/main\.js/);
    assert.match(await read('console/vite.config.ts'), /\.\.\/build\/console/);
    const copied = runtime
      .filter((item) => item.op === 'COPY' && item.args.startsWith('--from'))
      .map((item) => item.args);
    assert.ok(copied.some((args) => /\/dist \.\/dist$/.test(args)));
    assert.ok(copied.some((args) => /\/build\/console \.\/build\/console$/.test(args)));
    const scripts = (JSON.parse(await read('package.json')) as { scripts: Record<string, string> }).scripts;
    for (const item of instructions.filter((entry) => entry.op === 'RUN')) {
      for (const match of item.args.matchAll(/npm run ([\w:-]+)/g))
        assert.ok(scripts[match[1] as string], `npm run ${match[1]}`);
    }
    // The health check asks a route that exists and answers 200 on a running server.
    const health = instructions.find((item) => item.op === 'HEALTHCHECK')?.args ?? '';
    const path = /\/status\/[a-z]+/.exec(health)?.[0];
    assert.equal(path, '/status/live');
    const server = await startTestServer();
    t.after(() => server.close());
    assert.equal((await server.app.inject({ method: 'GET', url: path })).statusCode, 200);
    assert.match(runtime.find((item) => item.op === 'ENTRYPOINT')?.args ?? '', /bin\/prevail\.js/);
  });

  test('.dockerignore keeps data, secrets and node_modules out, and what the image copies in', async () => {
    const patterns = (await read('.dockerignore'))
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'));
    for (const needed of ['node_modules', '.git', 'data', '**/*.env', '**/*.sqlite', '**/console-secret', '**/*.pem'])
      assert.ok(patterns.includes(needed), `.dockerignore has ${needed}`);
    for (const copied of ['src', 'console', 'bin', 'package.json', 'package-lock.json', 'tsconfig.json'])
      assert.ok(!patterns.includes(copied), `${copied} is not ignored`);
  });

  test('compose.yaml: an API node and workers on PostgreSQL and NATS, settings valid, flags and ports agree', async () => {
    const compose = parseYaml(await read('compose.yaml')) as {
      services: Record<string, Record<string, unknown>>;
      secrets: Record<string, { file: string }>;
    };
    assert.deepEqual(Object.keys(compose.services).sort(), ['api', 'nats', 'postgres', 'worker']);
    interface PrevailService {
      environment: Record<string, string>;
      env_file: string;
      command: string[];
      depends_on: Record<string, { condition: string }>;
    }
    const api = compose.services.api as unknown as PrevailService & { ports: string[]; volumes: string[] };
    const worker = compose.services.worker as unknown as PrevailService & {
      healthcheck: { disable?: boolean };
      deploy: { replicas: number };
    };
    for (const service of [api, worker]) {
      for (const name of Object.keys(service.environment)) {
        assert.ok(isSetting(name), `${name} is read by src/config`);
        assert.doesNotMatch(name, secretLooking, `${name}: secrets go in the env_file`);
      }
      assert.ok(existsSync(join(root, `${service.env_file}.example`)), `${service.env_file}.example exists to copy`);
      assert.equal(service.depends_on.postgres?.condition, 'service_healthy');
      assert.equal(service.depends_on.nats?.condition, 'service_healthy');
    }
    assert.equal(worker.env_file, api.env_file, 'every node has the same settings');
    const settings = readSettings({ ...(await exampleEnvironment()), ...api.environment });
    assert.deepEqual(api.ports, [`127.0.0.1:${settings.port}:${settings.port}`]);
    assert.ok(api.volumes.some((volume) => volume.endsWith(':/var/lib/prevail')));
    assert.ok(settings.dataDir.startsWith('/var/lib/prevail/'));
    // Each command is one the CLI has, with flags it takes.
    assert.equal(api.command[0], 'serve');
    assert.equal(worker.command[0], 'worker');
    for (const [service, options] of [
      [api, await optionNames('serve')],
      [worker, await optionNames('worker')],
    ] as const)
      for (const flag of service.command.filter((item) => item.startsWith('--')))
        assert.ok(options.has(flag), `${service.command[0]} ${flag}`);
    // Every node on the same bus and the same partition count (a node with another one stops).
    const flagValue = (command: readonly string[], flag: string) => command[command.indexOf(flag) + 1];
    assert.match(flagValue(api.command, '--events') ?? '', /^nats:\/\/nats:4222$/);
    assert.equal(flagValue(worker.command, '--events'), flagValue(api.command, '--events'));
    assert.equal(flagValue(worker.command, '--partitions'), flagValue(api.command, '--partitions'));
    // A worker serves no HTTP: the image's /status/live check must not mark it unhealthy.
    assert.equal(worker.healthcheck.disable, true);
    assert.ok(worker.deploy.replicas >= 2, 'two workers');
    const nats = compose.services.nats as { command: string[]; volumes: string[] };
    assert.ok(nats.command.includes('-js'), 'JetStream on');
    const store = flagValue(nats.command, '-sd');
    assert.ok(
      store !== undefined && nats.volumes.some((volume) => volume.endsWith(`:${store}`)),
      'its store on a volume',
    );
    const postgres = compose.services.postgres as { environment: Record<string, string> };
    assert.equal(postgres.environment.POSTGRES_USER, 'prevail');
    assert.equal(postgres.environment.POSTGRES_DB, 'prevail');
  });

  test('deploy/prevail.service: hardened, secrets from an EnvironmentFile, the data directory writable', async (t) => {
    const text = await read('deploy/prevail.service');
    const unit = unitFile(text);
    const service = unit.get('Service');
    assert.ok(service !== undefined);
    const one = (key: string) => {
      const values = service.get(key);
      assert.equal(values?.length, 1, `${key} once`);
      return values?.[0] as string;
    };
    assert.equal(one('User'), 'prevail');
    assert.equal(one('NoNewPrivileges'), 'yes');
    assert.equal(one('ProtectSystem'), 'strict');
    assert.equal(one('ProtectHome'), 'yes');
    assert.equal(one('PrivateTmp'), 'yes');
    assert.equal(one('CapabilityBoundingSet'), '');
    assert.ok(!service.has('MemoryDenyWriteExecute'), "V8's JIT needs writable code pages");
    assert.match(one('EnvironmentFile'), /^\/etc\/prevail\/prevail\.env$/);
    assert.match(one('ExecStart'), /^\/\S+\/node \/opt\/prevail\/bin\/prevail\.js serve$/);
    assert.match(one('ExecReload'), /kill -HUP \$MAINPID/);
    const writable = one('ReadWritePaths').split(/\s+/);
    const environment = await exampleEnvironment();
    for (const name of ['PREVAIL_DATA_DIR', 'PREVAIL_AUDIT_CHECKPOINT_DIR']) {
      const path = environment[name] ?? '';
      assert.ok(
        writable.some((dir) => path === dir || path.startsWith(`${dir}/`)),
        `${name}=${path} is under ReadWritePaths`,
      );
    }
    assert.equal(`/var/lib/${one('StateDirectory')}`, writable[0]);
    assert.deepEqual(unit.get('Install')?.get('WantedBy'), ['multi-user.target']);

    await verifyUnit(t, text, 'prevail.service');
  });

  test("deploy/prevail-worker.service: the server unit's settings and hardening, running prevail worker", async (t) => {
    const server = unitFile(await read('deploy/prevail.service'));
    const text = await read('deploy/prevail-worker.service');
    const worker = unitFile(text);
    const service = worker.get('Service');
    assert.ok(service !== undefined);
    assert.match(
      service.get('ExecStart')?.join('\n') ?? '',
      /^\/\S+\/node \/opt\/prevail\/bin\/prevail\.js worker --events nats:\/\/\S+$/,
    );
    // Everything else in [Service] is the server's: user, settings, node flags, hardening, the
    // SIGHUP reload (which a worker handles: test/deployment/reload-signal.test.ts) and the stop.
    const withoutExecStart = (section: Map<string, string[]> | undefined) =>
      [...(section ?? [])].filter(([key]) => key !== 'ExecStart');
    assert.deepEqual(withoutExecStart(service), withoutExecStart(server.get('Service')));
    assert.deepEqual(worker.get('Install'), server.get('Install'));
    assert.match(worker.get('Unit')?.get('After')?.join(' ') ?? '', /postgresql\.service/);
    await verifyUnit(t, text, 'prevail-worker.service');
  });

  test('deploy/nginx-prevail.conf: the server port, the original Host, uploads up to PREVAIL_MAX_BYTES, no buffering', async () => {
    const text = await read('deploy/nginx-prevail.conf');
    const environment = await exampleEnvironment();
    const settings = readSettings(environment);
    assert.match(text, new RegExp(`server 127\\.0\\.0\\.1:${settings.port};`));
    assert.match(text, /proxy_set_header Host \$host;/);
    assert.match(text, /proxy_buffering off;/);
    assert.match(text, /proxy_request_buffering off;/);
    const body = /client_max_body_size (\d+)m;/.exec(text);
    assert.ok(body, 'client_max_body_size in MiB');
    assert.ok(Number(body[1]) * 1024 * 1024 > (settings.maxBytes ?? 0), 'the proxy lets the largest upload through');
    for (const name of text.matchAll(/server_name (\S+);/g))
      assert.ok(settings.allowedHosts.includes(name[1] as string), `${name[1]} is in PREVAIL_ALLOWED_HOSTS`);
  });

  test('docs/deployment.md: its variables are settings, its commands exist, it links the files', async () => {
    const text = await read('docs/deployment.md');
    for (const match of text.matchAll(/\bPREVAIL_[A-Z0-9_]+\*?/g)) {
      const name = match[0];
      if (name.endsWith('*')) {
        // A family (`PREVAIL_OIDC_*`): some setting has that prefix.
        const prefix = name.slice(0, -1);
        assert.ok(
          settingVariables.some((known) => known.startsWith(prefix)) || actionSecretVariable.test(`${prefix}X`),
          `${name} names settings`,
        );
      } else assert.ok(isSetting(name), `${name} is read by src/config`);
    }
    const top = captureIo();
    await runCli(['--help'], top);
    const topLevel = new Set(
      [...top.output().matchAll(/^ {2}([a-z][a-z-]*)\b/gm)]
        .map((match) => match[1] as string)
        .filter((name) => name !== 'help'),
    );
    assert.ok(topLevel.has('serve') && topLevel.has('keys'), [...topLevel].join(', '));
    const commands = new Set<string>();
    for (const match of text.matchAll(/\bprevail ([a-z][a-z-]*)(?: ([a-z][a-z-]*))?/g)) {
      if (topLevel.has(match[1] as string)) commands.add(match.slice(1).filter(Boolean).join(' '));
    }
    assert.ok(commands.size >= 6, [...commands].join(', '));
    for (const command of commands) {
      const words = command.split(' ');
      assert.equal(await runCli([...words, '--help'], captureIo()), 0, `prevail ${command} exists`);
      if (words.length === 2) {
        // A subcommand is listed by its parent (a word that is an argument of the parent is not).
        const parent = captureIo();
        await runCli([words[0] as string, '--help'], parent);
        const subcommands = [...parent.output().matchAll(/^ {2}([a-z][a-z-]*)\b/gm)].map((match) => match[1]);
        if (subcommands.length > 0 && /Commands:/.test(parent.output()))
          assert.ok(subcommands.includes(words[1]), `prevail ${command}: ${words[1]} is a subcommand of ${words[0]}`);
      }
    }
    for (const file of [
      'Dockerfile',
      'compose.yaml',
      'deploy/prevail.service',
      'deploy/nginx-prevail.conf',
      'deploy/prevail.env.example',
    ])
      assert.ok(text.includes(file), `the guide names ${file}`);
  });
});
