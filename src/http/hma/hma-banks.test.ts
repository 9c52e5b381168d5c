import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { startTestServer } from '../../../test/support/server-harness.js';

/**
 * Bank curation as HMA 1.1.7's `test_api_banks.py` pins it, plus the spellings Coop and the
 * fetlife gem send (`enabled_ratio` as a string, `enabled` as `"true"`, unknown keys).
 */

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  await server.close();
});

function post(payload: unknown, headers: Record<string, string> = {}) {
  return server.app.inject({
    method: 'POST',
    url: '/c/banks',
    ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }),
    headers: { 'content-type': 'application/json', ...headers },
  });
}

function put(name: string, payload: unknown) {
  return server.app.inject({ method: 'PUT', url: `/c/bank/${name}`, payload: payload as object });
}

describe('POST /c/banks (test_banks_create)', () => {
  test('empty index, invalid names, creation, listing, duplicates', async () => {
    const empty = await server.app.inject({ method: 'GET', url: '/c/banks' });
    assert.equal(empty.statusCode, 200);
    assert.deepEqual(empty.json(), []);

    for (const name of ['01_TEST_BANK', 'my_test_bank']) {
      const response = await post({ name });
      assert.equal(response.statusCode, 400);
      assert.deepEqual(response.json(), { message: 'Bank names must be UPPER_WITH_UNDERSCORE' });
    }

    const created = await post({ name: 'MY_TEST_BANK_01' });
    assert.equal(created.statusCode, 201);
    assert.match(String(created.headers['content-type']), /^application\/json/);
    assert.deepEqual(created.json(), { matching_enabled_ratio: 1.0, name: 'MY_TEST_BANK_01' });

    const listed = await server.app.inject({ method: 'GET', url: '/c/banks' });
    assert.deepEqual(listed.json(), [{ matching_enabled_ratio: 1.0, name: 'MY_TEST_BANK_01' }]);

    const duplicate = await post({ name: 'MY_TEST_BANK_01' });
    assert.equal(duplicate.statusCode, 403);
    assert.deepEqual(duplicate.json(), { message: 'Bank already exists' });
  });

  test('422 for a missing name, no body or a non-JSON body', async () => {
    const missing = await post({});
    assert.equal(missing.statusCode, 422);
    assert.deepEqual(missing.json(), [{ type: 'missing', loc: ['name'], msg: 'Field required', input: {} }]);

    const modelType = [
      {
        type: 'model_type',
        loc: [],
        msg: 'Input should be a valid dictionary or instance of BankCreateRequest',
        input: null,
        ctx: { class_name: 'BankCreateRequest' },
      },
    ];
    const noBody = await post(undefined);
    assert.equal(noBody.statusCode, 422);
    assert.deepEqual(noBody.json(), modelType);
    const form = await server.app.inject({
      method: 'POST',
      url: '/c/banks',
      payload: 'name=X',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(form.statusCode, 422);
    assert.deepEqual(form.json(), modelType);
    const malformed = await server.app.inject({
      method: 'POST',
      url: '/c/banks',
      payload: '{"name":',
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(malformed.statusCode, 422);
    const text = await server.app.inject({
      method: 'POST',
      url: '/c/banks',
      payload: 'X',
      headers: { 'content-type': 'text/plain' },
    });
    assert.equal(text.statusCode, 422);

    const badRatio = await post({ name: 'BAD_RATIO', enabled_ratio: 'abc' });
    assert.equal(badRatio.statusCode, 422);
    assert.equal(badRatio.json()[0].type, 'float_parsing');
    assert.deepEqual(badRatio.json()[0].loc, ['enabled_ratio']);
  });

  test("lax coercion: Coop's string ratios, the gem's string boolean and unknown keys", async () => {
    const coop = await post({ name: 'COOP_ORG1_MY_BANK', enabled_ratio: '1' });
    assert.equal(coop.statusCode, 201);
    assert.deepEqual(coop.json(), { matching_enabled_ratio: 1.0, name: 'COOP_ORG1_MY_BANK' });

    const half = await post({ name: 'COOP_ORG1_HALF', enabled_ratio: '0.5' });
    assert.deepEqual(half.json(), { matching_enabled_ratio: 0.5, name: 'COOP_ORG1_HALF' });

    const gem = await post({ name: 'TEST_BANK', enabled: 'true', matching_enabled_ratio: 1.0 });
    assert.equal(gem.statusCode, 201);
    assert.deepEqual(gem.json(), { matching_enabled_ratio: 1.0, name: 'TEST_BANK' });

    // enabled_ratio defaults to 1.0, so `enabled: false` alone still creates 1.0 (HMA 1.1.7).
    const disabledAlone = await post({ name: 'DISABLED_ALONE', enabled: false });
    assert.deepEqual(disabledAlone.json(), { matching_enabled_ratio: 1.0, name: 'DISABLED_ALONE' });
    const disabled = await post({ name: 'DISABLED', enabled_ratio: null, enabled: 'false' });
    assert.deepEqual(disabled.json(), { matching_enabled_ratio: 0, name: 'DISABLED' });
  });

  test('a ratio outside 0..1 is refused (400; HMA stores it)', async () => {
    const response = await post({ name: 'TOO_MUCH', enabled_ratio: 2 });
    assert.equal(response.statusCode, 400);
    assert.match(response.json().message, /enabled_ratio/);
  });
});

describe('GET | PUT | DELETE /c/bank/<name>', () => {
  test('test_banks_update: rename, enabled, enabled_ratio', async () => {
    await post({ name: 'MY_TEST_BANK' });
    const invalid = await put('MY_TEST_BANK', { name: '1_invalid_name' });
    assert.equal(invalid.statusCode, 400);
    assert.deepEqual(invalid.json(), { message: 'Bank names must be UPPER_WITH_UNDERSCORE' });

    const renamed = await put('MY_TEST_BANK', { name: 'MY_TEST_BANK_RENAMED' });
    assert.equal(renamed.statusCode, 200);
    assert.equal(renamed.json().name, 'MY_TEST_BANK_RENAMED');

    const disabled = await put('MY_TEST_BANK_RENAMED', { enabled: false });
    assert.equal(disabled.statusCode, 200);
    assert.equal(disabled.json().matching_enabled_ratio, 0);

    const half = await put('MY_TEST_BANK_RENAMED', { enabled_ratio: 0.5 });
    assert.equal(half.json().matching_enabled_ratio, 0.5);

    const listed = await server.app.inject({ method: 'GET', url: '/c/banks' });
    assert.deepEqual(listed.json(), [{ name: 'MY_TEST_BANK_RENAMED', matching_enabled_ratio: 0.5 }]);

    const both = await put('MY_TEST_BANK_RENAMED', { enabled: true, enabled_ratio: 0.25 });
    assert.deepEqual(both.json(), { matching_enabled_ratio: 0.25, name: 'MY_TEST_BANK_RENAMED' });
    const same = await put('MY_TEST_BANK_RENAMED', {});
    assert.deepEqual(same.json(), { matching_enabled_ratio: 0.25, name: 'MY_TEST_BANK_RENAMED' });
  });

  test('PUT errors: unknown bank, taken name, no JSON body', async () => {
    await post({ name: 'BANK_A' });
    await post({ name: 'BANK_B' });
    const unknown = await put('NO_SUCH_BANK', { enabled: true });
    assert.equal(unknown.statusCode, 404);
    assert.deepEqual(unknown.json(), { message: 'Bank not found' });

    const taken = await put('BANK_A', { name: 'BANK_B' });
    assert.equal(taken.statusCode, 403);
    assert.deepEqual(taken.json(), { message: 'Bank name already exists' });

    const noBody = await server.app.inject({ method: 'PUT', url: '/c/bank/BANK_A' });
    assert.equal(noBody.statusCode, 422);
    assert.equal(noBody.json()[0].msg, 'Input should be a valid dictionary or instance of BankUpdateRequest');
  });

  test('GET: the bank, or a JSON 404; Coop\'s "//" path with a JSON Content-Type and no body', async () => {
    await post({ name: 'COOP_ORG1_MY_BANK', enabled_ratio: '1' });
    const coop = await server.app.inject({
      method: 'GET',
      url: '//c/bank/COOP_ORG1_MY_BANK',
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(coop.statusCode, 200);
    assert.deepEqual(coop.json(), { matching_enabled_ratio: 1.0, name: 'COOP_ORG1_MY_BANK' });

    const missing = await server.app.inject({ method: 'GET', url: '/c/bank/NON_EXISTENT_BANK' });
    assert.equal(missing.statusCode, 404);
    assert.match(String(missing.headers['content-type']), /^application\/json/);
    assert.deepEqual(missing.json(), { message: "bank 'NON_EXISTENT_BANK' not found" });

    const lowercase = await server.app.inject({ method: 'GET', url: '/c/bank/not_a_bank_name' });
    assert.equal(lowercase.statusCode, 404);
    assert.deepEqual(lowercase.json(), { message: "bank 'not_a_bank_name' not found" });
  });

  test('test_banks_delete: DELETE answers Done, also for a bank that is gone', async () => {
    await post({ name: 'MY_TEST_BANK' });
    for (let attempt = 0; attempt < 2; attempt++) {
      const response = await server.app.inject({ method: 'DELETE', url: '/c/bank/MY_TEST_BANK' });
      assert.equal(response.statusCode, 200);
      assert.deepEqual(response.json(), { message: 'Done' });
    }
    const gone = await server.app.inject({ method: 'GET', url: '/c/bank/MY_TEST_BANK' });
    assert.equal(gone.statusCode, 404);
  });
});
