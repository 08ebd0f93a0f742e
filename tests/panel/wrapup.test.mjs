// Wrap-up and the agent's controls, in Chromium against panelhost +
// libpaneldialer.so + pbx-sim + a scratch database:
// - a progressive agent stays paused in wrap-up (pbx-sim's QueueStatus shows
//   the member paused with reason "wrap-up") until saving, no new call
//   reaches them meanwhile, then they get the next call;
// - a pause taken during a wrap-up outlives it (not unpaused at the save);
// - pause / unpause with a reason from the panel shows in the queue;
// - the desk shows the queue states and the day's figures; the finished
//   periods are in dialer_agent_events.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { rmSync } from 'node:fs';
import path from 'node:path';
import {
  ScratchDatabase, launchBrowser, artifactsFor, waitFor, startDialerHost,
} from '../support/harness.mjs';

const artifacts = artifactsFor('panel-wrapup');
const SECRETS = { 101: 'agent-101-secret', 102: 'agent-102-secret' };
const NUMBERS = ['5558001', '5558002', '5558003'];
const AGENT_101 = 'Local/101@sim-agents/n';
const AGENT_102 = 'Local/102@sim-agents/n';

const scenario = {
  seed: 11,
  speed: 5,
  users: [{ username: 'dialer', secret: 'dialersecret' }],
  queues: [
    { name: 'sales', strategy: 'rrmemory', ring_timeout_s: 15, retry_s: 1, wait_timeout_s: 120 },
    { name: 'support', strategy: 'rrmemory', ring_timeout_s: 15, retry_s: 1, wait_timeout_s: 120 },
  ],
  agent_defaults: { answer_delay_s: 1, talk_s: [2, 3] },
  agents: [
    { interface: AGENT_101, name: 'Agent 101', queues: ['sales'] },
    { interface: AGENT_102, name: 'Agent 102', queues: ['support'] },
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

// The member as pbx-sim's QueueStatus lists it: { Paused, PausedReason, ... }.
function queueMember(port, queue, iface) {
  return new Promise((resolve, reject) => {
    let text = '';
    const socket = connect(port, '127.0.0.1', () => {
      socket.write('Action: Login\r\nActionID: l\r\nUsername: dialer\r\nSecret: dialersecret\r\n\r\n' +
        `Action: QueueStatus\r\nActionID: qs\r\nQueue: ${queue}\r\nMember: ${iface}\r\n\r\n`);
    });
    socket.on('data', (chunk) => {
      text += chunk;
      if (!/Event: QueueStatusComplete\r\nActionID: qs\r\n/.test(text)) return;
      socket.end();
      const block = text.split('\r\n\r\n').find((b) => b.startsWith('Event: QueueMember\r\n') && b.includes(`Location: ${iface}`));
      if (!block) return resolve(null);
      resolve(Object.fromEntries(block.split('\r\n').map((line) => {
        const colon = line.indexOf(': ');
        return colon < 0 ? [line.replace(/:$/, ''), ''] : [line.slice(0, colon), line.slice(colon + 2)];
      })));
    });
    socket.on('error', reject);
  });
}

async function waitForMember(port, queue, iface, paused, reason, what) {
  await waitFor(async () => {
    const m = await queueMember(port, queue, iface);
    return m && m.Paused === (paused ? '1' : '0') && m.PausedReason === reason;
  }, what);
}

describe('agent panel: wrap-up and pause', () => {
  const db = new ScratchDatabase(process.env.PD_MYSQL_DSN || 'mysql://missing@localhost/none', 'wrapup');
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
      UPDATE dialer_settings SET value = 'Break, Lunch, Coaching' WHERE name = 'pause_reasons';
      INSERT INTO dialer_dispositions (name) VALUES ('Sale'), ('Callback');
      INSERT INTO dialer_campaigns (name, destination_kind, destination, queue_name, mode, initial_leg,
        start_hour, end_hour, week_days, enabled, concurrent_calls, wrapup_seconds)
        VALUES ('prog', 'queue', 'ext-queues,501,1', 'sales', 'progressive', 'remote', '00:00:00', '00:00:00',
          'mon,tue,wed,thu,fri,sat,sun', 1, 1, 0);
      INSERT INTO dialer_campaign_dispositions (campaign_id, disposition_id, direction)
        SELECT c.id, d.id, 'outbound' FROM dialer_campaigns c JOIN dialer_dispositions d
         WHERE d.name IN ('Sale', 'Callback');
      ${NUMBERS.map((number, i) => `INSERT INTO dialer_numbers (campaign_id, name, number, priority)
        SELECT id, 'Contact ${i + 1}', '${number}', ${10 - i} FROM dialer_campaigns WHERE name = 'prog';`).join('\n')}`);

    const started = await startDialerHost({
      db, scenario, instance: 'wrapup-test', artifacts,
      agents: Object.entries(SECRETS).map(([extension, secret]) => ({ extension, name: `Agent ${extension}`, secret })),
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

  async function login(extension) {
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
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

  const calls = () => Number(db.value("SELECT COUNT(*) FROM dialer_calls WHERE agent = '101'"));
  // The panel's wrap-up timer (counting up) as seconds.
  const timerSeconds = async (page) => {
    const [m, s] = (await page.locator('#pd-wrapup-timer').textContent()).split(':').map(Number);
    return m * 60 + s;
  };

  it('keeps a progressive agent in wrap-up until the save, then sends the next call; a pause outlives the wrap-up', async () => {
    const { context, page, pageErrors } = await login('101');
    // The first call ends: the agent has it to tag and is in wrap-up.
    await page.locator(`#pd-pending-list li:has-text("${NUMBERS[0]}")`).waitFor({ timeout: 90000 });
    await page.locator('#pd-wrapup').waitFor({ state: 'visible' });
    assert.equal(await page.getAttribute('#pd-wrapup', 'data-ends'), 'saved', 'wrapup_seconds 0: until saved');
    await waitForMember(amiPort, 'sales', AGENT_101, true, 'wrap-up', 'the member paused for wrap-up in pbx-sim');
    // The status pill says the wrap-up beside the ended call's steps (desk-view.js).
    await page.locator('#pd-status[data-status="wrapup"]').waitFor();
    assert.equal(await page.textContent('#pd-status'), 'Wrap-up');
    // The step bar, when it shows the call (the panel may open after it), says it ended.
    assert.ok(await page.isHidden('#pd-call') || (await page.getAttribute('#pd-call', 'data-state')) === 'ended');
    await page.locator('#pd-membership li[data-queue="sales"][data-state="paused"]').waitFor();
    assert.equal(await page.textContent('#pd-membership li[data-queue="sales"]'), 'sales: paused (wrap-up)');
    // Time passes in wrap-up (the simulator runs 5x: 3 s here are 15 s of calls):
    // no call reaches the agent, none is placed for them.
    await page.waitForFunction(() => {
      const [m, s] = document.querySelector('#pd-wrapup-timer').textContent.split(':').map(Number);
      return m * 60 + s >= 3;
    }, null, { timeout: 15000 });
    assert.equal(calls(), 1, 'no second call during the wrap-up');
    assert.equal(Number(db.value('SELECT COUNT(*) FROM dialer_calls')), 1);
    assert.equal((await queueMember(amiPort, 'sales', AGENT_101)).PausedReason, 'wrap-up');
    assert.ok(await timerSeconds(page) >= 3);
    await page.screenshot({ path: path.join(artifacts, 'desk-wrapup.png'), fullPage: true });

    // Saving ends the wrap-up: unpaused, and the next call comes.
    await page.locator(`#pd-pending-list li:has-text("${NUMBERS[0]}") button.pd-dispo[data-disposition="Sale"]`).click();
    await page.locator('#pd-wrapup').waitFor({ state: 'hidden' });
    await page.locator(`#pd-pending-list li:has-text("${NUMBERS[1]}")`).waitFor({ timeout: 60000 });
    assert.equal(calls(), 2);
    await page.locator('#pd-wrapup').waitFor({ state: 'visible' });
    await waitForMember(amiPort, 'sales', AGENT_101, true, 'wrap-up', 'paused for the second wrap-up');
    // The first wrap-up ended (saved); the second is recorded as started.
    await waitFor(() => db.value("SELECT COUNT(*) FROM dialer_agent_events WHERE agent = '101'") === '2', 'the second wrap-up recorded');
    assert.deepEqual(db.sql(`SELECT kind, reason, ended_by, ended_at IS NOT NULL FROM dialer_agent_events
      WHERE agent = '101' ORDER BY started_at`), [['wrapup', 'wrap-up', 'saved', '1'], ['wrapup', 'wrap-up', '', '0']]);
    // Today's figures: the first call, its tag, its wrap-up.
    await page.locator('#pd-today[data-calls="2"]').waitFor();
    await waitFor(async () => (await page.textContent('[data-figure="dispositions"]')) === 'Sale 1', 'the tag counted today');

    // The agent pauses for lunch during this wrap-up: the queue shows Lunch.
    await page.selectOption('#pd-pause-reason', 'Lunch');
    await page.click('#pd-pause');
    await waitForMember(amiPort, 'sales', AGENT_101, true, 'Lunch', 'paused for lunch in pbx-sim');
    await page.locator('#pd-pause-state[data-paused="true"]').waitFor();
    assert.equal(await page.textContent('#pd-pause-state'), 'Paused (Lunch)');
    assert.equal(await page.getAttribute('#pd-status', 'data-status'), 'wrapup', 'the wrap-up first while it lasts');
    // Saving ends the wrap-up but not the lunch: still paused, no call.
    await page.locator(`#pd-pending-list li:has-text("${NUMBERS[1]}") button.pd-dispo[data-disposition="Callback"]`).click();
    await page.locator('#pd-wrapup').waitFor({ state: 'hidden' });
    await waitFor(() => db.value("SELECT COUNT(*) FROM dialer_agent_events WHERE agent = '101' AND kind = 'wrapup' AND ended_at IS NOT NULL") === '2',
      'the second wrap-up ended');
    const member = await queueMember(amiPort, 'sales', AGENT_101);
    assert.equal(member.Paused, '1');
    assert.equal(member.PausedReason, 'Lunch', 'the save did not unpause a pause that is not the wrap-up');
    assert.equal(calls(), 2);
    await page.locator('#pd-membership li[data-queue="sales"]:has-text("paused (Lunch)")').waitFor();
    await page.locator('#pd-status[data-status="paused"]').waitFor();
    assert.equal(await page.textContent('#pd-status'), 'Paused (Lunch)', 'the pill says the pause as the controls do');
    await page.screenshot({ path: path.join(artifacts, 'desk-paused.png'), fullPage: true });

    // Unpause: the third call comes.
    await page.click('#pd-unpause');
    await waitForMember(amiPort, 'sales', AGENT_101, false, '', 'unpaused in pbx-sim');
    await page.locator(`#pd-pending-list li:has-text("${NUMBERS[2]}")`).waitFor({ timeout: 60000 });
    assert.equal(calls(), 3);
    await waitFor(() => db.value("SELECT COUNT(*) FROM dialer_agent_events WHERE agent = '101' AND kind = 'pause' AND ended_at IS NOT NULL") === '1',
      'the lunch pause ended');
    assert.deepEqual(db.sql("SELECT reason, ended_by FROM dialer_agent_events WHERE agent = '101' AND kind = 'pause'"), [['Lunch', 'saved']]);
    await page.locator(`#pd-pending-list li:has-text("${NUMBERS[2]}") button.pd-dispo[data-disposition="Sale"]`).click();
    await page.locator('#pd-wrapup').waitFor({ state: 'hidden' });
    await waitForMember(amiPort, 'sales', AGENT_101, false, '', 'unpaused after the last save');
    await page.locator('#pd-today[data-calls="3"]').waitFor();
    await waitFor(async () => (await page.textContent('[data-figure="dispositions"]')) === 'Sale 2, Callback 1', 'the day\'s tags');
    await page.screenshot({ path: path.join(artifacts, 'desk-today.png'), fullPage: true });
    assert.deepEqual(pageErrors, []);
    await context.close();
  });

  it('pauses and unpauses an agent with a reason from the list, shown in the queue', async () => {
    const { context, page, pageErrors } = await login('102');
    await page.locator('#pd-membership li[data-queue="support"][data-state="available"]').waitFor();
    assert.deepEqual(await page.locator('#pd-pause-reason option').allTextContents(), ['Break', 'Lunch', 'Coaching']);
    await page.selectOption('#pd-pause-reason', 'Coaching');
    await page.click('#pd-pause');
    await waitForMember(amiPort, 'support', AGENT_102, true, 'Coaching', 'paused with the reason in pbx-sim');
    await page.locator('#pd-membership li[data-queue="support"]:has-text("support: paused (Coaching)")').waitFor();
    assert.equal(await page.textContent('#pd-status'), 'Paused (Coaching)');
    assert.equal(await page.isHidden('#pd-pause'), true);
    await page.screenshot({ path: path.join(artifacts, 'pause-coaching.png'), fullPage: true });
    await page.click('#pd-unpause');
    await waitForMember(amiPort, 'support', AGENT_102, false, '', 'unpaused in pbx-sim');
    await page.locator('#pd-membership li[data-queue="support"][data-state="available"]').waitFor();
    await page.locator('#pd-pause-state[data-paused="false"]').waitFor();
    await page.locator('#pd-status[data-status="idle"]').waitFor();
    await waitFor(() => db.value("SELECT COUNT(*) FROM dialer_agent_events WHERE agent = '102' AND ended_at IS NOT NULL") === '1', 'the pause recorded');
    assert.deepEqual(db.sql("SELECT kind, reason, ended_at >= started_at FROM dialer_agent_events WHERE agent = '102'"),
      [['pause', 'Coaching', '1']]);
    // A reason not in the list is refused, and nothing is paused.
    await page.evaluate(() => {
      const select = document.querySelector('#pd-pause-reason');
      const option = document.createElement('option');
      option.value = 'Nap';
      option.textContent = 'Nap';
      select.append(option);
      select.value = 'Nap';
    });
    await page.click('#pd-pause');
    await page.locator('#pd-errors li:has-text("is not a pause reason")').waitFor();
    assert.equal((await queueMember(amiPort, 'support', AGENT_102)).Paused, '0');
    assert.deepEqual(pageErrors, []);
    await context.close();
  });
});
