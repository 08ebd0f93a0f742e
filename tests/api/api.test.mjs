// The HTTP API (docs/API.md) against panelhost + libpaneldialer.so + pbx-sim
// + a scratch database: tokens (none, unknown, read on a write), malformed
// and invalid bodies, and each endpoint's happy path. Every request body and
// every response is checked against docs/openapi.json (openapi_check.mjs).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import {
  ScratchDatabase, launchBrowser, artifactsFor, repoRoot, startDialerHost, waitFor,
} from '../support/harness.mjs';
import { loadOpenApi, checkRequest, checkResponse } from './openapi_check.mjs';

const artifacts = artifactsFor('api');
const SECRET = 'agent-101-secret';
const WRITE_TOKEN = 'write-token-0123456789abcdef';
const READ_TOKEN = 'read-token-0123456789abcdef';
const openapi = loadOpenApi(repoRoot);

const scenario = {
  seed: 7,
  speed: 5,
  users: [{ username: 'dialer', secret: 'dialersecret' }],
  queues: [
    { name: 'sales', strategy: 'rrmemory', ring_timeout_s: 15, retry_s: 1, wait_timeout_s: 120 },
    { name: 'support', strategy: 'rrmemory', ring_timeout_s: 15, retry_s: 1, wait_timeout_s: 120 },
  ],
  agent_defaults: { answer_delay_s: 1, talk_s: [60, 60] },
  agents: [
    { interface: 'Local/101@sim-agents/n', name: 'Agent 101', queues: ['sales'] },
    { interface: 'Local/102@sim-agents/n', name: 'Agent 102', queues: ['support'] },
  ],
  contexts: {
    'sim-customers': { type: 'customers' },
    'sim-agents': { type: 'agents' },
    'pd-*-customer': { type: 'customers' },
    'ext-sales': { type: 'queue', queue: 'sales' },
    'ext-support': { type: 'queue', queue: 'support' },
    'pd-prog-dest': { type: 'queue', queue: 'support' },
    'pd-prog-local': { type: 'queue', queue: 'support' },
  },
  number_rules: [{ pattern: '_X.', outcome: 'answer', answer_after_s: 1, talk_s: 60 }],
};

describe('HTTP API', () => {
  const db = new ScratchDatabase(process.env.PD_MYSQL_DSN || 'mysql://missing@localhost/none', 'api');
  let dir;
  let sim;
  let host;
  let base;
  let campaigns;

  // One request: the body checked against the description before it goes,
  // the answer after it comes (status documented, body of its schema).
  async function api(method, urlPath, { token = WRITE_TOKEN, body, raw, headers = {}, check = true } = {}) {
    if (check && raw === undefined) checkRequest(openapi, method, urlPath, body);
    const response = await fetch(`${base}${urlPath}`, {
      method,
      headers: {
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined || raw !== undefined ? { 'Content-Type': 'application/json' } : {}),
        ...headers,
      },
      body: raw !== undefined ? raw : body !== undefined ? JSON.stringify(body) : undefined,
    });
    assert.match(response.headers.get('content-type') || '', /^application\/json/);
    const json = await response.json();
    if (check) checkResponse(openapi, method, urlPath, response.status, json);
    return { status: response.status, json, headers: response.headers };
  }

  before(async () => {
    assert.ok(process.env.PD_MYSQL_DSN, 'PD_MYSQL_DSN must name the test server (scripts/test sets it)');
    db.create();
    db.sql(`
      UPDATE dialer_settings SET value = 'sim-customers' WHERE name = 'dial_context';
      INSERT INTO dialer_dispositions (name) VALUES ('Sale');
      INSERT INTO dialer_campaigns (name, destination_kind, destination, queue_name, mode, initial_leg,
        start_hour, end_hour, week_days, enabled)
        VALUES ('pv', 'queue', 'ext-sales,501,1', 'sales', 'preview', 'local', '00:00:00', '00:00:00',
          'mon,tue,wed,thu,fri,sat,sun', 1);
      INSERT INTO dialer_campaigns (name, destination_kind, destination, queue_name, mode, initial_leg,
        start_hour, end_hour, week_days, enabled, concurrent_calls)
        VALUES ('prog', 'queue', 'ext-support,502,1', 'support', 'progressive', 'remote', '00:00:00', '00:00:00',
          'mon,tue,wed,thu,fri,sat,sun', 0, 1);
      INSERT INTO dialer_campaigns (name, destination_kind, destination, queue_name, mode, enabled)
        VALUES ('idle', 'queue', 'ext-support,502,1', 'support', 'progressive', 0);
      INSERT INTO dialer_campaigns (name, destination_kind, destination, queue_name, mode, enabled,
        start_hour, end_hour, week_days, time_zone, callback_grace_minutes)
        VALUES ('cb', 'queue', 'ext-support,502,1', 'support', 'progressive', 0, '00:00:00', '00:00:00',
          'mon,tue,wed,thu,fri,sat,sun', 'UTC', 30);
      INSERT INTO dialer_campaign_dispositions (campaign_id, disposition_id, direction)
        SELECT c.id, d.id, 'outbound' FROM dialer_campaigns c JOIN dialer_dispositions d WHERE c.name IN ('pv', 'prog');
      INSERT INTO dialer_numbers (campaign_id, name, number, priority)
        SELECT id, 'First Lead', '5558001', 3 FROM dialer_campaigns WHERE name = 'pv';
      INSERT INTO dialer_numbers (campaign_id, name, number, priority)
        SELECT id, 'Second Lead', '5558002', 2 FROM dialer_campaigns WHERE name = 'pv';
      INSERT INTO dialer_numbers (campaign_id, name, number, priority)
        SELECT id, 'Third Lead', '5558003', 1 FROM dialer_campaigns WHERE name = 'pv';`);
    campaigns = Object.fromEntries(db.sql('SELECT name, id FROM dialer_campaigns').map(([n, id]) => [n, Number(id)]));

    ({ dir, base, sim, host } = await startDialerHost({
      db, scenario, instance: 'api-test', artifacts,
      agents: [{ extension: '101', name: 'Agent 101', secret: SECRET }],
      hostConfig: {
        api: {
          tokens: [{ name: 'crm', secret: WRITE_TOKEN, scope: 'write' },
            { name: 'wallboard', secret: READ_TOKEN, scope: 'read' }],
          max_body: 65536,
        },
      },
    }));
    // The engine is up: the AMI link is there and the campaigns are loaded.
    await waitFor(async () => {
      const { json } = await api('GET', '/api/v1/engine', { token: READ_TOKEN });
      return json.ami_link && json.database && json.campaigns.length === 4;
    }, 'the engine to run with its campaigns');
  });

  after(async () => {
    await host?.stop();
    await sim?.stop();
    db.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a request without a token, with an unknown one, and a read token on a write', async () => {
    const none = await api('GET', '/api/v1/engine', { token: null });
    assert.equal(none.status, 401);
    assert.match(none.headers.get('www-authenticate'), /^Bearer/);
    assert.match(none.json.error, /Authorization: Bearer/);
    const unknown = await api('GET', '/api/v1/engine', { token: `${READ_TOKEN}x` });
    assert.equal(unknown.status, 401);
    const readWrite = await api('POST', `/api/v1/campaigns/${campaigns.idle}/start`, { token: READ_TOKEN });
    assert.equal(readWrite.status, 403);
    assert.match(readWrite.json.error, /wallboard/);
    assert.equal(db.value(`SELECT enabled FROM dialer_campaigns WHERE id = ${campaigns.idle}`), '0', 'nothing changed');
    const read = await api('GET', '/api/v1/engine', { token: READ_TOKEN });
    assert.equal(read.status, 200);
  });

  it('refuses malformed JSON, bad fields, unknown routes and a body over the limit, naming the field', async () => {
    const numbers = `/api/v1/campaigns/${campaigns.idle}/numbers`;
    const malformed = await api('POST', numbers, { raw: '{"numbers": [ {"number": "5551" ' });
    assert.equal(malformed.status, 400);
    assert.equal(malformed.json.field, 'body');
    assert.match(malformed.json.error, /Line 1, Column \d+/);
    const notObject = await api('POST', numbers, { raw: '[1,2]' });
    assert.equal(notObject.status, 400);
    assert.equal(notObject.json.field, 'body');

    // Values AMI must never see: a CR/LF in a variable, a number with letters.
    const badNumber = await api('POST', numbers, {
      body: { numbers: [{ number: '5551001' }, { number: '555-CALL' }] }, check: false,
    });
    assert.equal(badNumber.status, 400);
    assert.equal(badNumber.json.field, 'numbers[1].number');
    const injected = await api('POST', numbers, {
      body: { number: '5551002', variables: { note: 'a\r\nAction: Originate' } }, check: false,
    });
    assert.equal(injected.status, 400);
    assert.equal(injected.json.field, 'variables');
    const unknownField = await api('POST', numbers, { body: { number: '5551003', colour: 'red' }, check: false });
    assert.equal(unknownField.status, 400);
    assert.equal(unknownField.json.field, 'colour');
    const badTime = await api('POST', numbers, { body: { number: '5551004', not_before: 'tomorrow' }, check: false });
    assert.equal(badTime.status, 400);
    assert.equal(badTime.json.field, 'not_before');
    assert.equal(db.value("SELECT COUNT(*) FROM dialer_numbers WHERE number LIKE '555100_'"), '0', 'nothing added');

    const big = await api('POST', numbers, { raw: JSON.stringify({ numbers: [{ number: '1', name: 'x'.repeat(70000) }] }), check: false });
    assert.equal(big.status, 413);
    const route = await api('GET', '/api/v1/nothing-here', { check: false });
    assert.equal(route.status, 404);
    assert.equal(route.json.field, 'path');
    const missing = await api('GET', '/api/v1/campaigns/999999/stats');
    assert.equal(missing.status, 404);
  });

  it('answers from the host loop and the store worker quickly (figures printed)', async () => {
    const percentile = (samples, p) => samples.sort((a, b) => a - b)[Math.min(samples.length - 1, Math.floor(samples.length * p))];
    const engine = [];
    for (let i = 0; i < 200; ++i) {
      const start = performance.now();
      const { status } = await api('GET', '/api/v1/engine', { token: READ_TOKEN, check: false });
      engine.push(performance.now() - start);
      assert.equal(status, 200);
    }
    const numbers = Array.from({ length: 1000 }, (_, i) => ({ number: `5557${String(i).padStart(4, '0')}`, name: `Bulk ${i}` }));
    const start = performance.now();
    const bulk = await api('POST', `/api/v1/campaigns/${campaigns.cb}/numbers`, { body: { numbers } });
    const bulkMs = performance.now() - start;
    assert.equal(bulk.status, 201);
    assert.equal(bulk.json.added, 1000);
    assert.equal(new Set(bulk.json.numbers.map((n) => n.id)).size, 1000);
    console.log(`api_engine_p50_ms: ${percentile(engine, 0.5).toFixed(2)}`);
    console.log(`api_engine_p99_ms: ${percentile(engine, 0.99).toFixed(2)}`);
    console.log(`api_add_1000_numbers_ms: ${bulkMs.toFixed(1)}`);
  });

  it('reports the engine state', async () => {
    const { status, json } = await api('GET', '/api/v1/engine', { token: READ_TOKEN });
    assert.equal(status, 200);
    assert.equal(json.running, true);
    assert.equal(json.ami_link, true);
    const pv = json.campaigns.find((c) => c.id === campaigns.pv);
    assert.equal(pv.mode, 'preview');
    assert.equal(pv.enabled, true);
  });

  it('adds numbers (scheduled, with variables) and plays, reports and pauses a campaign', async () => {
    const id = campaigns.prog;
    db.sql("INSERT INTO dialer_dnc (number, reason) VALUES ('5552999', 'asked')");
    const later = new Date(Date.now() + 3600_000).toISOString();
    const added = await api('POST', `/api/v1/campaigns/${id}/numbers`, {
      body: { numbers: [
        { number: '555 2001', name: 'Now Lead', variables: { crm_id: '42', tier: 1 }, priority: 5 },
        { number: '5552002', name: 'Later Lead', not_before: later, variables: 'crm_id=43' },
        { number: '5552999', name: 'Listed' },
      ] },
    });
    assert.equal(added.status, 201);
    assert.equal(added.json.added, 2);
    const [now, scheduled, listed] = added.json.numbers;
    assert.deepEqual([now.number, now.status], ['5552001', 'added']);
    assert.equal(scheduled.status, 'added');
    assert.deepEqual([listed.status, listed.id], ['dnc', null]);
    assert.equal(db.value(`SELECT variables FROM dialer_numbers WHERE id = ${now.id}`), 'crm_id=42|tier=1');
    assert.equal(db.value(`SELECT DATE_FORMAT(next_try_at, '%Y-%m-%dT%H:%i:%s') FROM dialer_numbers WHERE id = ${scheduled.id}`),
      later.slice(0, 19));
    const again = await api('POST', `/api/v1/campaigns/${id}/numbers`, { body: { number: '5552001' } });
    assert.equal(again.status, 201);
    assert.deepEqual([again.json.added, again.json.numbers[0].status, again.json.numbers[0].id], [0, 'duplicate', now.id]);

    const started = await api('POST', `/api/v1/campaigns/${id}/start`);
    assert.equal(started.status, 200);
    assert.deepEqual(started.json, { campaign_id: id, enabled: true, changed: true });
    // The engine dials the ready number through its own path; the scheduled one waits.
    let calls;
    await waitFor(async () => {
      calls = await api('GET', `/api/v1/campaigns/${id}/calls`, { token: READ_TOKEN });
      return calls.json.calls.length === 1;
    }, 'the live call of the ready number', 60000);
    assert.equal(calls.json.calls[0].number, '5552001');
    assert.equal(calls.json.calls[0].lead_id, now.id);
    const stats = await api('GET', `/api/v1/campaigns/${id}/stats`, { token: READ_TOKEN });
    assert.equal(stats.status, 200);
    assert.equal(stats.json.total, 2);
    assert.equal(stats.json.numbers.pending, 1, 'the scheduled number waits');
    assert.equal(stats.json.active_calls, 1);
    assert.equal(stats.json.enabled, true);

    const paused = await api('POST', `/api/v1/campaigns/${id}/pause`);
    assert.deepEqual(paused.json, { campaign_id: id, enabled: false, changed: true });
    await waitFor(async () => {
      const { json } = await api('GET', '/api/v1/engine', { token: READ_TOKEN });
      return json.campaigns.find((c) => c.id === id)?.enabled === false;
    }, 'the engine to see the pause');
    const resumed = await api('POST', `/api/v1/campaigns/${id}/resume`);
    assert.deepEqual(resumed.json, { campaign_id: id, enabled: true, changed: true });
    const pausedAgain = await api('POST', `/api/v1/campaigns/${id}/pause`);
    assert.equal(pausedAgain.json.enabled, false);
    const unknown = await api('POST', '/api/v1/campaigns/999999/start');
    assert.equal(unknown.status, 404);
  });

  it('updates and deletes a number', async () => {
    const id = campaigns.idle;
    const added = await api('POST', `/api/v1/campaigns/${id}/numbers`, { body: { number: '5553001', name: 'Old' } });
    const numberId = added.json.numbers[0].id;
    const path1 = `/api/v1/numbers/${numberId}`;
    const updated = await api('PATCH', path1, { body: { name: 'New Name', priority: 9, variables: { a: 'b' } } });
    assert.equal(updated.status, 200);
    assert.deepEqual(db.sql(`SELECT name, priority, variables FROM dialer_numbers WHERE id = ${numberId}`)[0], ['New Name', '9', 'a=b']);
    const empty = await api('PATCH', path1, { body: {}, check: false });
    assert.equal(empty.status, 400);
    const deleted = await api('DELETE', path1);
    assert.deepEqual(deleted.json, { id: numberId, deleted: true });
    assert.equal(db.value(`SELECT COUNT(*) FROM dialer_numbers WHERE id = ${numberId}`), '0');
    const gone = await api('DELETE', path1);
    assert.equal(gone.status, 404);
  });

  it('adds and removes do-not-call numbers, marking waiting campaign numbers', async () => {
    const added = await api('POST', `/api/v1/campaigns/${campaigns.idle}/numbers`, { body: { number: '5554001' } });
    const numberId = added.json.numbers[0].id;
    const listed = await api('POST', '/api/v1/dnc', {
      body: { numbers: [{ number: '555-4001', reason: 'asked by phone' }, { number: '+15554002', expires: '2030-01-31' }] },
    });
    assert.equal(listed.status, 200);
    assert.deepEqual(listed.json, { listed: 2, marked: 1 });
    assert.equal(db.value(`SELECT state FROM dialer_numbers WHERE id = ${numberId}`), 'dnc');
    assert.equal(db.value("SELECT reason FROM dialer_dnc WHERE number = '5554001'"), 'asked by phone');
    const removed = await api('DELETE', '/api/v1/dnc/%2B15554002');
    assert.deepEqual(removed.json, { number: '+15554002', removed: true });
    const again = await api('DELETE', '/api/v1/dnc/%2B15554002');
    assert.equal(again.status, 404);
    const bad = await api('DELETE', '/api/v1/dnc/abc');
    assert.equal(bad.status, 400);
    assert.equal(bad.json.field, 'number');
  });

  it('schedules a callback for an agent, in the customer\'s local time', async () => {
    const added = await api('POST', `/api/v1/campaigns/${campaigns.cb}/numbers`, { body: { number: '5556001' } });
    const numberId = added.json.numbers[0].id;
    const tomorrow = new Date(Date.now() + 86400_000).toISOString().slice(0, 10);
    const scheduled = await api('POST', '/api/v1/agents/101/callbacks', {
      body: { number_id: numberId, at: `${tomorrow}T12:00`, personal: true },
    });
    assert.equal(scheduled.status, 201);
    assert.equal(scheduled.json.agent, '101');
    assert.equal(scheduled.json.callback_at, `${tomorrow}T12:00:00.000Z`);
    assert.equal(scheduled.json.personal_until, `${tomorrow}T12:30:00.000Z`);
    assert.deepEqual(db.sql(`SELECT state, callback_agent FROM dialer_numbers WHERE id = ${numberId}`)[0], ['callback', '101']);
    const past = await api('POST', '/api/v1/agents/101/callbacks', { body: { number_id: numberId, at: '2020-01-01T10:00' } });
    assert.equal(past.status, 400);
    assert.equal(past.json.field, 'at');
    const missing = await api('POST', '/api/v1/agents/101/callbacks', { body: { number_id: 999999, at: `${tomorrow}T12:00` } });
    assert.equal(missing.status, 404);
  });

  it('lists logged-in agents and reserves, skips and dials a preview lead for an agent', async () => {
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      await page.goto(`${base}/`);
      await page.fill('#login-extension', '101');
      await page.fill('#login-secret', SECRET);
      await page.click('#login-submit');
      await page.locator('#app').waitFor({ state: 'visible' });

      // The page shows before its WebSocket is open: wait for the engine to see the panel.
      let agents;
      await waitFor(async () => {
        agents = await api('GET', '/api/v1/agents', { token: READ_TOKEN });
        return agents.json.agents.some((a) => a.agent === '101');
      }, 'agent 101 logged in');
      const [agent] = agents.json.agents;
      assert.equal(agent.paused, false);

      const first = await api('POST', '/api/v1/agents/101/preview/reserve');
      assert.equal(first.status, 200);
      assert.equal(first.json.campaign_id, campaigns.pv);
      assert.equal(first.json.number, '5558001');
      const shown = await api('GET', '/api/v1/agents/101/preview', { token: READ_TOKEN });
      assert.equal(shown.json.lead_id, first.json.lead_id);

      const wrong = await api('POST', '/api/v1/agents/101/preview/dial', { body: { lead_id: first.json.lead_id + 1000 } });
      assert.equal(wrong.status, 409);
      const skipped = await api('POST', '/api/v1/agents/101/preview/skip', { body: { lead_id: first.json.lead_id, close: true } });
      assert.deepEqual(skipped.json, { agent: '101', lead_id: first.json.lead_id, skipped: true, closed: true });
      assert.equal(db.value(`SELECT state FROM dialer_numbers WHERE id = ${first.json.lead_id}`), 'closed');

      const second = await api('POST', '/api/v1/agents/101/preview/reserve');
      assert.equal(second.status, 200);
      assert.equal(second.json.number, '5558002');
      const dialed = await api('POST', '/api/v1/agents/101/preview/dial', { body: { lead_id: second.json.lead_id } });
      assert.equal(dialed.status, 202);
      await waitFor(() => db.value("SELECT COUNT(*) FROM dialer_calls WHERE number = '5558002'") === '1',
        'the preview call placed', 30000);
      await page.close();
    } finally {
      await browser.close();
    }
  });
});
