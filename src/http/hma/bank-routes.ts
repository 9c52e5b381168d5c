import type { FastifyInstance } from 'fastify';
import { EngineError } from '../../core/index.js';
import type { HttpDependencies } from '../dependencies.js';
import { bankJson, readBankCreate, readBankUpdate } from './bank-requests.js';
import { hmaRoute } from './hma-route.js';
import { isJsonRequest } from './json-body.js';
import { bankNameOf } from './route-params.js';
import { sendValidationIssues } from './validation-errors.js';

/** Re-throws a duplicate-name failure with HMA's text (the fetlife gem matches `already exists`). */
function withDuplicateMessage(error: unknown, message: string): never {
  if (error instanceof EngineError && error.code === 'BANK_ALREADY_EXISTS') {
    throw new EngineError('BANK_ALREADY_EXISTS', message, { cause: error });
  }
  throw error;
}

/**
 * Bank curation of HMA 1.1.7 (`/c/banks`, `/c/bank/<name>`). Coop depends on these most: it
 * creates banks with `enabled_ratio` as a string, and on `GET /c/bank/<name>` a **404 makes it
 * delete its own bank**, so an existing bank must never answer 404 (the GET is one indexed read).
 */
export function registerBankRoutes(app: FastifyInstance, dependencies: HttpDependencies): void {
  const { banks } = dependencies;

  // GET /c/banks → [{"matching_enabled_ratio": 1.0, "name": "…"}] (in creation order).
  hmaRoute(app, {
    method: 'GET',
    url: '/c/banks',
    scope: 'read',
    summary: 'List banks (HMA GET /c/banks)',
    handler: async () => (await banks.listBanks()).map(bankJson),
  });

  // POST /c/banks {name, enabled_ratio?, enabled?} → 201 {"matching_enabled_ratio", "name"};
  // 400 `Bank names must be UPPER_WITH_UNDERSCORE`; 403 `Bank already exists`; 422 without a
  // name or a JSON object body.
  hmaRoute(app, {
    method: 'POST',
    url: '/c/banks',
    scope: 'write',
    summary: 'Create a bank (HMA POST /c/banks)',
    body: { model: 'BankCreateRequest' },
    handler: async (request, reply) => {
      const input = readBankCreate(isJsonRequest(request) ? request.body : undefined);
      if (!input.ok) return sendValidationIssues(reply, input.issues);
      const bank = await banks
        .createBank({ name: input.name, enabledRatio: input.enabledRatio })
        .catch((error: unknown) => withDuplicateMessage(error, 'Bank already exists'));
      return reply.code(201).send(bankJson(bank));
    },
  });

  // GET /c/bank/<name> → {"matching_enabled_ratio", "name"}; 404 `bank '<name>' not found`.
  hmaRoute(app, {
    method: 'GET',
    url: '/c/bank/:bank_name',
    scope: 'read',
    summary: 'One bank (HMA GET /c/bank/<name>)',
    handler: async (request) => bankJson(await banks.getBank(bankNameOf(request.params))),
  });

  // PUT /c/bank/<name> {name?, enabled?, enabled_ratio?} → the updated bank; 404 `Bank not
  // found`; 400 invalid new name; 403 `Bank name already exists`; 422 without a JSON object.
  hmaRoute(app, {
    method: 'PUT',
    url: '/c/bank/:bank_name',
    scope: 'write',
    summary: 'Rename a bank or change its enabled ratio (HMA PUT /c/bank/<name>)',
    body: { model: 'BankUpdateRequest' },
    handler: async (request, reply) => {
      const input = readBankUpdate(isJsonRequest(request) ? request.body : undefined);
      if (!input.ok) return sendValidationIssues(reply, input.issues);
      const name = bankNameOf(request.params);
      const bank = await banks.repository.getBankByName(name);
      if (bank === undefined) throw new EngineError('BANK_NOT_FOUND', 'Bank not found');
      const patch = {
        ...(input.name !== undefined && input.name !== bank.name ? { name: input.name } : {}),
        ...(input.enabledRatio !== undefined ? { enabledRatio: input.enabledRatio } : {}),
      };
      const updated = await banks
        .updateBank(name, patch)
        .catch((error: unknown) => withDuplicateMessage(error, 'Bank name already exists'));
      return bankJson(updated);
    },
  });

  // DELETE /c/bank/<name> → {"message": "Done"}, also for a bank that does not exist.
  hmaRoute(app, {
    method: 'DELETE',
    url: '/c/bank/:bank_name',
    scope: 'write',
    summary: 'Delete a bank and its content (HMA DELETE /c/bank/<name>)',
    handler: async (request) => {
      await banks.deleteBank(bankNameOf(request.params));
      return { message: 'Done' };
    },
  });
}
