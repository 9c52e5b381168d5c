import type { ReloadableRules } from '../engine/index.js';
import { formatDiagnostics } from '../rules/index.js';
import type { CliIo } from './io.js';

/**
 * Reloads `rules` on SIGHUP (what `systemctl reload` sends) and writes the outcome on stderr: the
 * number of rules now running, or, when the files do not make a valid set, each problem, the old
 * set running on. With no policy directory (`rules` undefined) it says there is nothing to
 * reload. Used by `prevail serve` and `prevail worker`: without a handler Node ends the process
 * on SIGHUP, so a worker, or a server started without a policy, stopped mid-work when its unit
 * was reloaded. Returns the function that removes the handler.
 */
export function reloadRulesOnHangup(rules: ReloadableRules | undefined, io: CliIo): () => void {
  const onHangup = (): void => {
    if (rules === undefined) {
      io.stderr.write('rules NOT reloaded: no policy directory (--policy) was given\n');
      return;
    }
    void rules
      .reload()
      .then((outcome) =>
        io.stderr.write(
          outcome.ok
            ? `rules reloaded: ${outcome.ruleSet.rules.length} rules\n`
            : `rules NOT reloaded (the old set keeps running):\n${formatDiagnostics(outcome.diagnostics, { excerpts: false })}`,
        ),
      )
      .catch((error: unknown) =>
        io.stderr.write(
          `rules NOT reloaded (the old set keeps running): ${error instanceof Error ? error.message : String(error)}\n`,
        ),
      );
  };
  process.on('SIGHUP', onHangup);
  return () => process.off('SIGHUP', onHangup);
}
