// The agent panel in Chromium, against panelhost + libpaneldialer.so + pbx-sim
// + a scratch database: login, the preview card (escaped), Dial, the call,
// the disposition prompt, Skip, a wrong secret.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { rmSync } from 'node:fs';
import path from 'node:path';
import {
  ScratchDatabase, launchBrowser, artifactsFor, waitFor, startDialerHost,
} from '../support/harness.mjs';

const artifacts = artifactsFor('panel');
const SECRET = 'agent-201-secret';

const scenario = {
  seed: 3,
  speed: 5,
  users: [{ username: 'dialer', secret: 'dialersecret' }],
  queues: [{ name: 'support', strategy: 'rrmemory', ring_timeout_s: 15, retry_s: 1, wait_timeout_s: 120 }],
  agent_defaults: { answer_delay_s: 1, talk_s: [3, 4] },
  agents: [{ interface: 'Local/201@sim-agents/n', name: 'Agent 201', queues: ['support'] }],
  contexts: {
    'sim-customers': { type: 'customers' },
    'sim-agents': { type: 'agents' },
    'pd-*-customer': { type: 'customers' },
    'inbound-support': { type: 'queue', queue: 'support' },
    'ext-queues': { type: 'queue', queue: 'support' },
  },
  number_rules: [{ pattern: '_X.', outcome: 'answer', answer_after_s: 2, talk_s: 4 }],
};

describe('agent panel', () => {
  const db = new ScratchDatabase(process.env.PD_MYSQL_DSN || 'mysql://missing@localhost/none', 'panel');
  let dir;
  let sim;
  let host;
  let browser;
  let panelUrl;
  let amiPort;

  before(async () => {
    assert.ok(process.env.PD_MYSQL_DSN, 'PD_MYSQL_DSN must name the test server (scripts/test sets it)');
    db.create();
    db.sql(`
      UPDATE dialer_settings SET value = 'sim-customers' WHERE name = 'dial_context';
      INSERT INTO dialer_dispositions (name) VALUES ('Sale'), ('Callback'), ('Support request');
      INSERT INTO dialer_campaigns (name, destination_kind, destination, queue_name, mode, initial_leg,
        start_hour, end_hour, week_days, enabled, script)
        VALUES ('pv', 'queue', 'ext-queues,501,1', 'support', 'preview', 'local', '00:00:00', '00:00:00',
          'mon,tue,wed,thu,fri,sat,sun', 1, 'Ask for the account holder.');
      INSERT INTO dialer_campaign_dispositions (campaign_id, disposition_id, direction)
        SELECT c.id, d.id, 'outbound' FROM dialer_campaigns c JOIN dialer_dispositions d
         WHERE d.name IN ('Sale', 'Callback');
      -- A campaign named as the queue: its inbound dispositions tag the queue's inbound calls.
      INSERT INTO dialer_campaigns (name, destination_kind, destination, queue_name, mode, enabled)
        VALUES ('support', 'queue', 'ext-queues,501,1', 'support', 'progressive', 0);
      INSERT INTO dialer_campaign_dispositions (campaign_id, disposition_id, direction)
        SELECT c.id, d.id, 'inbound' FROM dialer_campaigns c JOIN dialer_dispositions d
         WHERE c.name = 'support' AND d.name IN ('Support request', 'Callback');
      INSERT INTO dialer_numbers (campaign_id, name, number, variables, priority)
        SELECT id, '<b>Bob</b> & Co', '5556000', 'note=VIP', 3 FROM dialer_campaigns WHERE name = 'pv';
      INSERT INTO dialer_numbers (campaign_id, name, number, priority)
        SELECT id, 'Second Lead', '5556010', 2 FROM dialer_campaigns WHERE name = 'pv';
      INSERT INTO dialer_numbers (campaign_id, name, number, priority)
        SELECT id, 'Third Lead', '5556020', 1 FROM dialer_campaigns WHERE name = 'pv';`);

    const started = await startDialerHost({
      db, scenario, instance: 'panel-test', artifacts,
      agents: [{ extension: '201', name: 'Agent 201', secret: SECRET }],
    });
    ({ dir, sim, host } = started);
    amiPort = started.amiPort;
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

  it('refuses a wrong secret with a clear message', async () => {
    const page = await browser.newPage();
    await page.goto(panelUrl);
    await page.fill('#login-extension', '201');
    await page.fill('#login-secret', 'not-the-secret');
    await page.click('#login-submit');
    await page.locator('#login-error').waitFor({ state: 'visible' });
    assert.match(await page.locator('#login-error').textContent(), /wrong secret/i);
    assert.equal(await page.locator('#app').isVisible(), false);
    await page.screenshot({ path: path.join(artifacts, 'login-refused.png') });
    await page.close();
  });

  it('shows the card, dials once, asks for a disposition and stores it; Skip moves on', async () => {
    const context = await browser.newContext();  // tabs of one agent share its cookie
    const page = await context.newPage();
    const pageErrors = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(panelUrl);
    await page.fill('#login-extension', '201');
    await page.fill('#login-secret', SECRET);
    await page.click('#login-submit');

    // The card: the name as literal text, never markup.
    const card = page.locator('#pd-card');
    await card.locator('.pd-dial').waitFor({ state: 'visible', timeout: 30000 });
    assert.equal((await card.locator('.pd-name').textContent()).trim(), '<b>Bob</b> & Co');
    assert.equal(await card.locator('b').count(), 0);
    assert.equal((await card.locator('.pd-number').textContent()).trim(), '5556000');
    assert.equal((await page.locator('#pd-script').textContent()).trim(), 'Ask for the account holder.');
    await page.screenshot({ path: path.join(artifacts, 'preview-card.png'), fullPage: true });

    // A second tab of the same agent gets the same card; closing it leaves the first working.
    const second = await page.context().newPage();
    await second.goto(panelUrl);
    await second.locator('#pd-card .pd-name').waitFor({ state: 'visible', timeout: 15000 });
    assert.equal((await second.locator('#pd-card .pd-name').textContent()).trim(), '<b>Bob</b> & Co');
    await second.close();

    // Two quick clicks place one call.
    await card.locator('.pd-dial').dblclick();
    await page.locator('#pd-call').waitFor({ state: 'visible' });
    await page.locator('#pd-pending').waitFor({ state: 'visible', timeout: 30000 });
    await page.screenshot({ path: path.join(artifacts, 'disposition-prompt.png'), fullPage: true });
    assert.equal((await page.locator('#pd-pending-count').textContent()).trim(), '1 call to tag');
    const options = await page.locator('#pd-pending-list button.pd-dispo').allTextContents();
    assert.ok(options.includes('Sale') && options.includes('Callback'), `options: ${options}`);
    await page.click('#pd-pending-list button.pd-dispo[data-disposition="Sale"]');
    await page.locator('#pd-pending').waitFor({ state: 'hidden' });

    await waitFor(() => db.value("SELECT agent_disposition FROM dialer_numbers WHERE number = '5556000'") === 'Sale',
      'the disposition on the number');
    assert.equal(db.value("SELECT agent_disposition FROM dialer_calls WHERE number = '5556000'"), 'Sale');
    assert.equal(db.value("SELECT COUNT(*) FROM dialer_calls WHERE number = '5556000'"), '1');
    assert.equal(db.value("SELECT dial_status FROM dialer_calls WHERE number = '5556000'"), 'ANSWER');
    assert.equal(db.value("SELECT agent FROM dialer_calls WHERE number = '5556000'"), '201');
    assert.equal(db.value("SELECT state FROM dialer_numbers WHERE number = '5556000'"), 'done');

    // The next card; Skip → close the lead; the third one follows.
    await waitFor(async () => (await card.locator('.pd-name').textContent().catch(() => '')).trim() === 'Second Lead',
      'the second card', 30000);
    await page.click('#pd-skip');
    await page.click('#pd-skip-close');
    await waitFor(async () => (await card.locator('.pd-name').textContent().catch(() => '')).trim() === 'Third Lead',
      'the third card', 30000);
    assert.equal(db.value("SELECT state FROM dialer_numbers WHERE number = '5556010'"), 'closed');
    assert.equal(db.value("SELECT COUNT(*) FROM dialer_calls WHERE number = '5556010'"), '0');
    await page.screenshot({ path: path.join(artifacts, 'next-card.png'), fullPage: true });
    assert.deepEqual(pageErrors, []);
    await context.close();
  });

  it('asks for the inbound dispositions after a queue call of a campaign-named queue', async () => {
    // Its own login: this test does not depend on what an earlier one left open.
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(panelUrl);
    await page.fill('#login-extension', '201');
    await page.fill('#login-secret', SECRET);
    await page.click('#login-submit');
    await page.locator('#app').waitFor({ state: 'visible' });
    // A customer calls in: the simulator puts the call into queue "support".
    await new Promise((resolve, reject) => {
      let answers = '';
      const socket = connect(amiPort, '127.0.0.1', () => {
        socket.write('Action: Login\r\nActionID: in-login\r\nUsername: dialer\r\nSecret: dialersecret\r\n\r\n' +
          'Action: Originate\r\nActionID: in-call\r\nChannel: Local/5559999@sim-customers\r\nContext: inbound-support\r\n' +
          'Exten: s\r\nPriority: 1\r\nAsync: true\r\nCallerID: "Caller" <5559999>\r\nChannelId: inbound-test-1\r\n\r\n');
      });
      // Leave once the Originate is queued (its own reply), not after a guessed delay.
      socket.on('data', (chunk) => {
        answers += chunk;
        if (/Response: Success\r\nActionID: in-call\r\n/.test(answers)) {
          socket.end();
          resolve();
        }
      });
      socket.on('error', reject);
    });
    await page.locator('#pd-pending').waitFor({ state: 'visible', timeout: 30000 });
    const options = await page.locator('#pd-pending-list button.pd-dispo').allTextContents();
    assert.ok(options.includes('Support request'), `options: ${options}`);
    assert.ok(!options.includes('Sale'), `inbound options, not the outbound ones: ${options}`);
    // Screen pop: what is known of an inbound caller, kept with the call to tag.
    const contact = page.locator('#pd-contact[data-direction="inbound"]');
    await contact.waitFor();
    assert.equal((await contact.locator('.pd-number').textContent()).trim(), '5559999');
    assert.equal(await contact.locator('.pd-contact-script').count(), 0, 'no script for this campaign');
    await page.screenshot({ path: path.join(artifacts, 'inbound-disposition.png'), fullPage: true });
    await page.click('#pd-pending-list button.pd-dispo[data-disposition="Support request"]');
    await page.locator('#pd-pending').waitFor({ state: 'hidden' });
    await page.locator('#pd-contact').waitFor({ state: 'hidden' });
    await waitFor(() => db.value("SELECT agent_disposition FROM dialer_calls WHERE direction = 'inbound'") === 'Support request',
      'the inbound call row');
    assert.equal(db.value("SELECT number FROM dialer_calls WHERE direction = 'inbound'"), '5559999');
    assert.equal(db.value("SELECT agent FROM dialer_calls WHERE direction = 'inbound'"), '201');
    await context.close();
  });
});
