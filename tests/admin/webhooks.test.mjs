// Browser tests of webhooks on the admin side (issue 14; docs/webhooks.md): the
// campaign form's webhook fields with the engine's rules, and the Webhooks
// page - failed events with their last error (escaped), the Replay button
// (CSRF-protected like every form) putting an event back in line for the
// engine's worker. Real PHP, real MariaDB, real Chromium. Each test writes the
// rows it needs, so any one runs alone.
import { describe, it, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { artifactsFor, startAdminSession, flashMatching, fieldErrorOf } from '../support/harness.mjs';

describe('admin: webhooks', { timeout: 120_000 }, () => {
  const artifactsDir = artifactsFor('admin-webhooks');
  let db;
  let php;
  let browser;
  let page;
  let campaign;

  const url = (p) => `${php.base}/${p}`;
  const shot = (name) => page.screenshot({ path: path.join(artifactsDir, `${name}.png`), fullPage: true });
  // An event of `campaign` in `state`, as the engine's worker leaves it.
  const event = (eventId, state, { attempts = 8, error = null } = {}) => db.sql(
    `INSERT INTO dialer_webhook_events (event_id, campaign_id, call_id, event, payload, state, attempts, next_attempt_at, last_status, last_error, created_at)
       VALUES ('${eventId}', ${campaign}, '${eventId.split('.')[0]}', 'call.result', '{}', '${state}', ${attempts},
               UTC_TIMESTAMP(3) + INTERVAL 1 HOUR, 500, ${error === null ? 'NULL' : `'${error.replaceAll("'", "''")}'`}, UTC_TIMESTAMP(3))`);

  before(async () => {
    ({ db, php, browser, page } = await startAdminSession('webhooks', { logName: 'php-webhooks.log' }));
  });

  beforeEach(() => {
    db.sql('DELETE FROM dialer_webhook_events');
    db.sql('DELETE FROM dialer_campaigns');
    db.sql("INSERT INTO dialer_campaigns (name, destination, queue_name) VALUES ('hooked', 'ext-queues,600,1', '600')");
    campaign = db.value("SELECT id FROM dialer_campaigns WHERE name = 'hooked'");
  });

  after(async () => {
    await browser?.close();
    php?.stop();
    db?.drop();
  });

  it('lists failed events with their last error, escaped, and replays one', async () => {
    event('pd-a-1.result', 'failed', { error: 'HTTP 500: <b>boom</b>' });
    event('pd-a-2.result', 'failed', { error: 'Connection refused' });
    event('pd-a-3.result', 'delivered');
    await page.goto(url('webhooks.php'));
    const rows = page.locator('#pd-webhook-events tbody tr[data-event-id]');
    assert.equal(await rows.count(), 2, 'failed ones only by default');
    const boom = page.locator('tr[data-event-id="pd-a-1.result"]');
    assert.equal((await boom.locator('.pd-last-error').textContent()).trim(), 'HTTP 500: <b>boom</b>');
    assert.equal(await boom.locator('.pd-last-error b').count(), 0, 'markup in the error is escaped');
    await shot('webhooks-failed');
    await boom.getByRole('button', { name: /Replay/ }).click();
    await flashMatching(page, /queued again/);
    assert.deepEqual(db.sql("SELECT state, attempts, claim_token IS NULL, next_attempt_at <= UTC_TIMESTAMP(3) FROM dialer_webhook_events WHERE event_id = 'pd-a-1.result'"),
      [['pending', '0', '1', '1']]);
    assert.deepEqual(db.sql("SELECT state FROM dialer_webhook_events WHERE event_id = 'pd-a-2.result'"), [['failed']], 'the other one untouched');
    assert.equal(await page.locator('#pd-webhook-events tbody tr[data-event-id]').count(), 1);
    // A delivered event is not sent again.
    const delivered = db.value("SELECT id FROM dialer_webhook_events WHERE event_id = 'pd-a-3.result'");
    await page.goto(url('webhooks.php?state=delivered'));
    assert.equal(await page.locator('tr[data-event-id="pd-a-3.result"] button').count(), 0);
    const csrf = await page.locator('input[name=csrf]').first().getAttribute('value');
    const response = await page.request.post(url('webhooks.php'), { form: { action: 'replay', id: delivered, csrf } });
    assert.equal(response.status(), 200);
    assert.deepEqual(db.sql(`SELECT state FROM dialer_webhook_events WHERE id = ${delivered}`), [['delivered']]);
  });

  it('refuses a replay without a valid CSRF token', async () => {
    event('pd-b-1.result', 'failed', { error: 'timeout' });
    const id = db.value("SELECT id FROM dialer_webhook_events WHERE event_id = 'pd-b-1.result'");
    for (const form of [{ action: 'replay', id }, { action: 'replay', id, csrf: 'f'.repeat(64) }, { action: 'replay_failed' }]) {
      const response = await page.request.post(url('webhooks.php'), { form });
      assert.equal(response.status(), 403);
    }
    assert.deepEqual(db.sql(`SELECT state, attempts FROM dialer_webhook_events WHERE id = ${id}`), [['failed', '8']]);
  });

  it('replays every failed event of a campaign at once', async () => {
    event('pd-c-1.result', 'failed');
    event('pd-c-2.result', 'failed');
    await page.goto(url(`webhooks.php?campaign=${campaign}`));
    page.once('dialog', (dialog) => dialog.accept());
    await page.getByRole('button', { name: 'Replay all failed' }).click();
    await flashMatching(page, /2 failed events queued again/);
    assert.equal(db.value("SELECT COUNT(*) FROM dialer_webhook_events WHERE state = 'pending' AND attempts = 0"), '2');
  });

  it('saves a campaign webhook with the engine\'s rules for the URL and the secret', async () => {
    await page.goto(url(`campaigns.php?edit=${campaign}`));
    await page.fill('#f-webhook_url', 'ftp://crm.example.com/hook');
    await page.fill('#f-webhook_secret', 'short');
    await page.click('button:has-text("Save campaign")');
    assert.match(await fieldErrorOf(page, 'webhook_url'), /Webhook URL: must start with http:\/\/ or https:\/\//);
    assert.match(await fieldErrorOf(page, 'webhook_secret'), /Webhook secret: 16 to 255 characters/);
    await page.fill('#f-webhook_url', 'https://crm.example.com/hooks/dialer');
    await page.fill('#f-webhook_secret', 'a-secret-of-24-characters');
    await page.check('#f-webhook_state_changes');
    await page.click('button:has-text("Save campaign")');
    await flashMatching(page, /saved/i);
    assert.deepEqual(db.sql(`SELECT webhook_url, webhook_secret, webhook_state_changes FROM dialer_campaigns WHERE id = ${campaign}`),
      [['https://crm.example.com/hooks/dialer', 'a-secret-of-24-characters', '1']]);
  });
});
