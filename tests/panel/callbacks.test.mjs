// A personal callback, in Chromium against panelhost + libpaneldialer.so +
// pbx-sim + a scratch database: agent 101 tags a progressive call with the
// "Callback" disposition (a callback) for tomorrow, "Only me"; the number
// waits in state callback for 101. When its time comes (moved into the past
// in SQL), 101 gets it as a preview card, though the campaign is progressive;
// agent 102, logged in and free, does not.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import path from 'node:path';
import {
  ScratchDatabase, launchBrowser, artifactsFor, waitFor, startDialerHost,
} from '../support/harness.mjs';

const artifacts = artifactsFor('panel-callbacks');
const SECRETS = { 101: 'agent-101-secret', 102: 'agent-102-secret' };
const NUMBER = '5558001';

const scenario = {
  seed: 6,
  speed: 5,
  users: [{ username: 'dialer', secret: 'dialersecret' }],
  queues: [
    { name: 'sales', strategy: 'rrmemory', ring_timeout_s: 15, retry_s: 1, wait_timeout_s: 120 },
    { name: 'other', strategy: 'rrmemory', ring_timeout_s: 15, retry_s: 1, wait_timeout_s: 120 },
  ],
  agent_defaults: { answer_delay_s: 1, talk_s: [2, 3] },
  agents: [
    { interface: 'Local/101@sim-agents/n', name: 'Agent 101', queues: ['sales'] },
    { interface: 'Local/102@sim-agents/n', name: 'Agent 102', queues: ['other'] },
  ],
  contexts: {
    'sim-customers': { type: 'customers' },
    'sim-agents': { type: 'agents' },
    'pd-*-customer': { type: 'customers' },
    'pd-prog-dest': { type: 'queue', queue: 'sales' },
    'pd-prog-local': { type: 'queue', queue: 'sales' },
    'ext-queues': { type: 'queue', queue: 'sales' },
  },
  number_rules: [{ pattern: '_X.', outcome: 'answer', answer_after_s: 1, talk_s: 3 }],
};

// Tomorrow at 10:00 UTC, as an <input type=datetime-local> value.
function tomorrowAtTen() {
  const d = new Date(Date.now() + 86400000);
  return `${d.toISOString().slice(0, 10)}T10:00`;
}

describe('agent panel: personal callbacks', () => {
  const db = new ScratchDatabase(process.env.PD_MYSQL_DSN || 'mysql://missing@localhost/none', 'callbacks');
  let dir;
  let sim;
  let host;
  let browser;
  let panelUrl;

  before(async () => {
    assert.ok(process.env.PD_MYSQL_DSN, 'PD_MYSQL_DSN must name the test server (scripts/test sets it)');
    db.create();
    db.sql(`
      UPDATE dialer_settings SET value = 'sim-customers' WHERE name = 'dial_context';
      INSERT INTO dialer_dispositions (name, is_callback) VALUES ('Sale', 0), ('Callback', 1);
      INSERT INTO dialer_campaigns (name, destination_kind, destination, queue_name, mode, initial_leg,
        start_hour, end_hour, week_days, enabled, concurrent_calls, wrapup_seconds, time_zone,
        callback_grace_minutes)
        VALUES ('prog', 'queue', 'ext-queues,501,1', 'sales', 'progressive', 'remote', '00:00:00', '00:00:00',
          'mon,tue,wed,thu,fri,sat,sun', 1, 1, 0, 'UTC', 30);
      INSERT INTO dialer_campaign_dispositions (campaign_id, disposition_id, direction)
        SELECT c.id, d.id, 'outbound' FROM dialer_campaigns c JOIN dialer_dispositions d
         WHERE d.name IN ('Sale', 'Callback');
      INSERT INTO dialer_numbers (campaign_id, name, number)
        SELECT id, 'Callback Customer', '${NUMBER}' FROM dialer_campaigns WHERE name = 'prog';`);

    const started = await startDialerHost({
      db, scenario, instance: 'callbacks-test', artifacts,
      agents: Object.entries(SECRETS).map(([extension, secret]) => ({ extension, name: `Agent ${extension}`, secret })),
    });
    ({ dir, sim, host } = started);
    const { panelPort } = started;
    panelUrl = `http://127.0.0.1:${panelPort}/`;
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await host?.stop();
    await sim?.stop();
    db.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function login(extension) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const pageErrors = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(panelUrl);
    await page.fill('#login-extension', extension);
    await page.fill('#login-secret', SECRETS[extension]);
    await page.click('#login-submit');
    await page.locator('#app').waitFor({ state: 'visible' });
    return { context, page, pageErrors };
  }

  it('schedules a callback for the agent, and brings it back to that agent only', async () => {
    const first = await login('101');
    const { page } = first;
    // The call is taken (the simulator's agent answers) and waits for its tag.
    const item = page.locator(`#pd-pending-list li:has-text("${NUMBER}")`);
    await item.waitFor({ timeout: 90000 });
    await item.locator('button.pd-dispo[data-disposition="Callback"]').click();
    // The form asks for the time in the customer's zone, and for whom.
    const form = item.locator('.pd-callback-form');
    await form.waitFor();
    assert.match(await form.locator('label').first().textContent(), /\(UTC\)/);
    // A time already past is refused with the reason; the call stays listed.
    await form.locator('input.pd-callback-time').fill('2020-01-01T10:00');
    await form.locator('button.pd-callback-save').click();
    await item.locator('.pd-pending-error').waitFor();
    assert.equal(db.value(`SELECT state FROM dialer_numbers WHERE number = '${NUMBER}'`) === 'callback', false);
    const when = tomorrowAtTen();
    await form.locator('input.pd-callback-time').fill(when);
    await form.locator('input.pd-callback-who[value="me"]').check();
    await page.screenshot({ path: path.join(artifacts, 'callback-form.png'), fullPage: true });
    await form.locator('button.pd-callback-save').click();
    await item.waitFor({ state: 'detached' });
    const note = page.locator('#pd-callback-note');
    await note.waitFor({ state: 'visible' });
    assert.equal((await note.textContent()).trim(),
      `Callback scheduled for ${when.replace('T', ' ')} (UTC), for you.`);
    assert.equal(db.value(`SELECT CONCAT(state, ' ', callback_agent, ' ', agent_disposition) FROM dialer_numbers
      WHERE number = '${NUMBER}'`), 'callback 101 Callback');
    assert.equal(db.value(`SELECT DATE_FORMAT(callback_at, '%Y-%m-%dT%H:%i') FROM dialer_numbers
      WHERE number = '${NUMBER}'`), when);

    // Agent 102 logs in too, free, in a queue of its own.
    const second = await login('102');
    // Its time comes.
    db.sql(`UPDATE dialer_numbers SET callback_at = NOW() - INTERVAL 1 MINUTE,
      next_try_at = NOW() - INTERVAL 1 MINUTE WHERE number = '${NUMBER}'`);
    const card = page.locator('#pd-card');
    await card.locator('.pd-dial').waitFor({ state: 'visible', timeout: 30000 });
    assert.match(await card.textContent(), new RegExp(NUMBER));
    await page.locator('#pd-card-callback').waitFor({ state: 'visible' });
    await page.screenshot({ path: path.join(artifacts, 'callback-card.png'), fullPage: true });
    assert.equal(db.value(`SELECT state FROM dialer_numbers WHERE number = '${NUMBER}'`), 'reserved');
    // 102 saw no card meanwhile (the callback is 101's); a few claim periods pass.
    await waitFor(() => db.value(`SELECT state FROM dialer_numbers WHERE number = '${NUMBER}'`) === 'reserved',
      'the callback stays reserved for 101');
    assert.equal(await second.page.locator('#pd-card-area').isVisible(), false);
    assert.equal(await second.page.locator('#pd-card .pd-dial').count(), 0);
    await second.page.screenshot({ path: path.join(artifacts, 'other-agent.png'), fullPage: true });
    // Dial: placed through the agent's queue interface like a preview call, the customer
    // answers, and the call waits for its tag again.
    await card.locator('.pd-dial').click();
    await page.locator(`#pd-pending-list li:has-text("${NUMBER}")`).waitFor({ timeout: 60000 });
    assert.equal(db.value(`SELECT COUNT(*) FROM dialer_calls WHERE number = '${NUMBER}' AND agent = '101'`), '2');
    assert.deepEqual(first.pageErrors, []);
    assert.deepEqual(second.pageErrors, []);
    await second.context.close();
    await first.context.close();
  });
});
