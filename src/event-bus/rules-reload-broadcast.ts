/**
 * Rules reloads across nodes (docs/scaling.md, "Reloading rules"): `POST /v1/rules/reload` on an
 * API node asks every other node (each worker, each other API node) to reload its rules from its
 * own policy directory with one core NATS request on `prevail.rules.reload`, which every node
 * subscribes to, and gathers the answers that come within the wait. Core NATS, not JetStream: a
 * node that is away misses the request, and loads its rules from its directory when it starts.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { createInbox, headers, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import {
  answerRulesReload,
  type NodeRulesReload,
  nodeRulesReloadSchema,
  type ReloadableRules,
  type RulesReloadAnswer,
} from '../engine/index.js';
import type { Logger } from '../logging/index.js';

/** The subject every node answers reload requests on. */
export const rulesReloadSubject = 'prevail.rules.reload';
/** The header naming the node that asks, so that it does not answer itself. */
const originHeader = 'Prevail-Reload-Origin';
/** How long the asking node gathers answers. */
const reloadAnswersWaitMs = 2000;
/** Most answers gathered (a bound on what one request can make this node hold). */
const maxAnswers = 4096;
/**
 * Most diagnostics one answer carries (the node's own log and SIGHUP list them all): an answer
 * stays well under NATS's default 1 MB message limit.
 */
export const maxAnswerDiagnostics = 50;

/** This process's name on the bus, e.g. `worker db-2:4121:9f3a51c0` (role, host, pid, a random tag). */
export function busNodeName(role: 'api' | 'worker'): string {
  return `${role} ${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

/**
 * Answers the reload requests of other nodes as `node` until the subscription is closed: each
 * request reloads `rules` once (`answerRulesReload`, which never throws: a node without a rules
 * directory, `rules` undefined, answers `CONFIG_INVALID`) and is answered with the outcome and
 * the node's name. Requests this node sent itself are ignored (the asking node reloads itself
 * directly).
 */
export function answerRulesReloads(
  connection: NatsConnection,
  node: string,
  rules: ReloadableRules | undefined,
  logger?: Logger,
): Subscription {
  return connection.subscribe(rulesReloadSubject, {
    callback: (error, message) => {
      if (error !== null || message.reply === undefined || message.reply === '') return;
      if (message.headers?.get(originHeader) === node) return;
      void answerRulesReload(rules).then((answer) => {
        logger?.info(
          answer.reloaded ? { rules: answer.rules } : { answer },
          answer.reloaded ? 'rules reloaded, asked over the bus' : 'rules NOT reloaded, asked over the bus',
        );
        const sent: RulesReloadAnswer =
          'diagnostics' in answer && answer.diagnostics.length > maxAnswerDiagnostics
            ? { ...answer, diagnostics: answer.diagnostics.slice(0, maxAnswerDiagnostics) }
            : answer;
        try {
          message.respond(JSON.stringify({ ...sent, node } satisfies NodeRulesReload));
        } catch (failure) {
          logger?.warn({ err: failure }, 'event bus: a rules reload answer could not be sent');
        }
      });
    },
  });
}

/**
 * Asks every other node on `connection`'s bus to reload its rules, as `node`, and resolves with
 * the answers that came within `waitMs` (default `reloadAnswersWaitMs`), in the order they came,
 * each node once. An answer that is not a reload answer is left out (and logged). Never rejects:
 * when the bus cannot be reached, no answer comes.
 */
export async function askRulesReloads(
  connection: NatsConnection,
  node: string,
  options: { readonly waitMs?: number; readonly logger?: Logger } = {},
): Promise<NodeRulesReload[]> {
  const answers = new Map<string, NodeRulesReload>();
  const inbox = createInbox();
  let subscription: Subscription | undefined;
  try {
    subscription = connection.subscribe(inbox, {
      max: maxAnswers,
      callback: (error, message) => {
        if (error !== null) return;
        const answer = readAnswer(message.string());
        if (answer === undefined) {
          // A "no responders" status (no node subscribed) has no body; anything else is logged.
          if (message.data.length > 0)
            options.logger?.warn({ inbox }, 'event bus: a rules reload answer was not readable; left out');
          return;
        }
        if (!answers.has(answer.node)) answers.set(answer.node, answer);
      },
    });
    const asking = headers();
    asking.set(originHeader, node);
    connection.publish(rulesReloadSubject, '', { reply: inbox, headers: asking });
    await new Promise((resolve) => setTimeout(resolve, options.waitMs ?? reloadAnswersWaitMs));
  } catch (error) {
    options.logger?.warn({ err: error }, 'event bus: other nodes could not be asked to reload their rules');
  } finally {
    subscription?.unsubscribe();
  }
  return [...answers.values()];
}

/** `text` as a node's reload answer, or undefined when it is not one. */
export function readAnswer(text: string): NodeRulesReload | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  const answer = nodeRulesReloadSchema.safeParse(parsed);
  return answer.success ? answer.data : undefined;
}
