/**
 * The node flags a tree's deployment starts Prevail with: the `NODE_OPTIONS` of its
 * `deploy/prevail.service` (the Dockerfile sets the same), read from the unit itself, so that a
 * benchmark measuring each side "as deployed" never drifts from what that side deploys.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** This repository's root, from this file's place once built (`build/bench/bench/lib`). */
export function thisRepository(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
}

/** The flags in `repository`'s `deploy/prevail.service` (`Environment=NODE_OPTIONS=…`); none when it sets none. */
export function deployedNodeFlags(repository: string): string[] {
  const file = join(repository, 'deploy', 'prevail.service');
  if (!existsSync(file)) return [];
  const options = /^Environment=NODE_OPTIONS=(.*)$/m.exec(readFileSync(file, 'utf8'))?.[1]?.trim();
  return options === undefined || options === '' ? [] : options.split(/\s+/);
}
