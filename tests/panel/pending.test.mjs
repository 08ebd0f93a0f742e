// The calls a progressive agent has yet to tag, in Chromium against panelhost
// + libpaneldialer.so + pbx-sim + a scratch database: several calls in a row
// without tagging are all listed oldest first with their count, each is
// tagged on its own, and the untagged ones are still listed after panelhost
// restarts (they are stored: dialer_pending_dispositions). The campaign's
// wrap-up ends after 1 s, so the calls come without a tag (wrapup.test.mjs
// covers an agent held in wrap-up until the save).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import path from 'node:path';
import {
  ScratchDatabase, launchBrowser, artifactsFor, buildDir, startChild, waitForPort, startDialerHost,
} from '../support/harness.mjs';

const artifacts = artifactsFor('panel-pending');
const bin = (name) => path.join(buildDir, 'bin', name);
const SECRET = 'agent-101-secret';
const NUMBERS = ['5557001', '5557002', '5557003'];

const scenario = {
  seed: 5,
  speed: 5,
  users: [{ username: 'dialer', secret: 'dialersecret' }],
  queues: [{ name: 'sales', strategy: 'rrmemory', ring_timeout_s: 15, retry_s: 1, wait_timeout_s: 120 }],
  agent_defaults: { answer_delay_s: 1, talk_s: [2, 3] },
  agents: [{ interface: 'Local/101@sim-agents/n', name: 'Agent 101', queues: ['sales'] }],
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

// The numbers of the listed calls, in the panel's order.
async function listedNumbers(page) {
  const items = page.locator('#pd-pending-list .pd-pending-call .pd-pending-who');
  return (await items.allTextContents()).map((text) => text.split(' · ').pop().trim());
}

describe('agent panel: calls to tag', () => {
  const db = new ScratchDatabase(process.env.PD_MYSQL_DSN || 'mysql://missing@localhost/none', 'pending');
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
      INSERT INTO dialer_dispositions (name) VALUES ('Sale'), ('Callback');
      INSERT INTO dialer_campaigns (name, destination_kind, destination, queue_name, mode, initial_leg,
        start_hour, end_hour, week_days, enabled, concurrent_calls, wrapup_seconds)
        VALUES ('prog', 'queue', 'ext-queues,501,1', 'sales', 'progressive', 'remote', '00:00:00', '00:00:00',
          'mon,tue,wed,thu,fri,sat,sun', 1, 1, 1);
      INSERT INTO dialer_campaign_dispositions (campaign_id, disposition_id, direction)
        SELECT c.id, d.id, 'outbound' FROM dialer_campaigns c JOIN dialer_dispositions d
         WHERE d.name IN ('Sale', 'Callback');
      ${NUMBERS.map((number, i) => `INSERT INTO dialer_numbers (campaign_id, name, number, priority)
        SELECT id, 'Contact ${i + 1}', '${number}', ${10 - i} FROM dialer_campaigns WHERE name = 'prog';`).join('\n')}`);

    const started = await startDialerHost({
      db, scenario, instance: 'pending-test', artifacts,
      agents: [{ extension: '101', name: 'Agent 101', secret: SECRET }],
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

  async function login() {
    const context = await browser.newContext();
    const page = await context.newPage();
    const pageErrors = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(panelUrl);
    await page.fill('#login-extension', '101');
    await page.fill('#login-secret', SECRET);
    await page.click('#login-submit');
    await page.locator('#app').waitFor({ state: 'visible' });
    return { context, page, pageErrors };
  }

  it('lists every untagged call oldest first, tags each, and keeps them over a restart', async () => {
    const first = await login();
    const { page } = first;
    // The agent takes the three calls in a row (the simulator's agent answers) without tagging.
    await page.locator('#pd-pending[data-count="3"]').waitFor({ timeout: 90000 });
    assert.equal((await page.locator('#pd-pending-count').textContent()).trim(), '3 calls to tag');
    assert.deepEqual(await listedNumbers(page), NUMBERS, 'oldest first');
    assert.equal(db.value("SELECT COUNT(*) FROM dialer_pending_dispositions WHERE agent = '101'"), '3');
    await page.screenshot({ path: path.join(artifacts, 'three-to-tag.png'), fullPage: true });

    // Tag the oldest: it leaves the list once saved, and the database has it.
    const oldest = page.locator(`#pd-pending-list li:has-text("${NUMBERS[0]}")`);
    await oldest.locator('button.pd-dispo[data-disposition="Sale"]').click();
    await oldest.waitFor({ state: 'detached' });
    assert.equal((await page.locator('#pd-pending-count').textContent()).trim(), '2 calls to tag');
    assert.equal(db.value(`SELECT agent_disposition FROM dialer_numbers WHERE number = '${NUMBERS[0]}'`), 'Sale');
    assert.equal(db.value(`SELECT agent_disposition FROM dialer_calls WHERE number = '${NUMBERS[0]}'`), 'Sale');
    assert.equal(db.value("SELECT COUNT(*) FROM dialer_pending_dispositions WHERE agent = '101'"), '2');
    assert.deepEqual(first.pageErrors, []);
    await first.context.close();

    // panelhost restarts on the same port: the untagged calls are still there.
    await host.stop();
    host = startChild(bin('panelhost'), ['--config', path.join(dir, 'host.json')], path.join(artifacts, 'panelhost-2.log'));
    await waitForPort(new URL(panelUrl).port);
    const second = await login();
    // The two untagged calls, listed again after the restart.
    await second.page.locator('#pd-pending[data-count="2"]').waitFor({ timeout: 30000 });
    assert.deepEqual(await listedNumbers(second.page), NUMBERS.slice(1));
    await second.page.screenshot({ path: path.join(artifacts, 'after-restart.png'), fullPage: true });
    for (const number of NUMBERS.slice(1)) {
      const item = second.page.locator(`#pd-pending-list li:has-text("${number}")`);
      await item.locator('button.pd-dispo[data-disposition="Callback"]').click();
      await item.waitFor({ state: 'detached' });
      assert.equal(db.value(`SELECT agent_disposition FROM dialer_numbers WHERE number = '${number}'`), 'Callback');
    }
    await second.page.locator('#pd-pending').waitFor({ state: 'hidden' });
    assert.equal(db.value("SELECT COUNT(*) FROM dialer_pending_dispositions"), '0');
    assert.deepEqual(second.pageErrors, []);
    await second.context.close();
  });
});
