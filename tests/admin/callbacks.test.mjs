// Browser tests of callbacks on the admin side (issue 11, item 5): a disposition
// marked as a callback, a campaign's grace period, and the Callbacks page -
// every scheduled callback soonest first, in the customer's time and the
// admin's, moved (another time checked against the calling hours in both
// zones, another agent, or anyone) and cancelled. Rows are seeded through SQL
// as the engine's AgentTag writes them (migration 0015). Real PHP, real
// MariaDB, real Chromium.
import { describe, it, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { artifactsFor, startAdminSession, flashMatching, fieldErrorOf } from '../support/harness.mjs';

/** YYYY-MM-DD of today + `days`, UTC. */
const day = (days) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

describe('admin: callbacks', { timeout: 150_000 }, () => {
  const artifactsDir = artifactsFor('admin-callbacks');
  let db;
  let php;
  let browser;
  let page;
  const consoleErrors = [];
  const url = (p) => `${php.base}/${p}`;
  const shot = (name) => page.screenshot({ path: path.join(artifactsDir, `${name}.png`), fullPage: true });
  const rows = async () => {
    await page.locator('#pd-callbacks tbody').waitFor();
    return page.locator('#pd-callbacks tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((td) => td.textContent.replace(/\s+/g, ' ').trim())));
  };
  const number = (digits) => db.value(`SELECT id FROM dialer_numbers WHERE number = '${digits}'`);

  before(async () => {
    ({ db, php, browser, page } = await startAdminSession('callbacks', {
      viewport: { width: 1400, height: 900 },
      onPage: (p) => {
        p.on('dialog', (dialog) => dialog.accept());  // "Cancel this callback?"
        p.on('console', (message) => { if (message.type() === 'error') consoleErrors.push(`${p.url()}: ${message.text()}`); });
        p.on('pageerror', (error) => consoleErrors.push(`${p.url()}: ${error.message}`));
      },
    }));
    // 09:00-18:00 UTC every day, a 20-minute grace. One customer in UTC, one in
    // India (UTC+05:30, no summer time: the hours meet 14:30-18:00 there).
    db.sql(`INSERT INTO dialer_campaigns (name, destination, queue_name, enabled, start_hour, end_hour, week_days, time_zone, callback_grace_minutes)
            VALUES ('cb_sales', 'ext-queues,700,1', '700', 0, '09:00:00', '18:00:00', 'mon,tue,wed,thu,fri,sat,sun', 'UTC', 20)`);
    const campaign = db.value("SELECT id FROM dialer_campaigns WHERE name = 'cb_sales'");
    db.sql(`INSERT INTO dialer_numbers (campaign_id, name, number, time_zone, state, next_try_at, agent_disposition, callback_at, callback_agent, callback_until) VALUES
      (${campaign}, 'Ann Callback', '5553001', NULL, 'callback', '${day(3)} 10:00:00', 'Callback', '${day(3)} 10:00:00', '101', '${day(3)} 10:20:00'),
      (${campaign}, 'Ravi Later', '5553002', 'Asia/Kolkata', 'pending', '${day(4)} 10:00:00', 'Callback', '${day(4)} 10:00:00', NULL, NULL),
      (${campaign}, 'No Callback', '5553003', NULL, 'done', '1970-01-01 00:00:00', 'Sale', NULL, NULL, NULL)`);
  });

  afterEach(() => {
    const errors = consoleErrors.splice(0);
    assert.deepEqual(errors, []);
  });

  after(async () => {
    await browser?.close();
    php?.stop();
    db?.drop();
  });

  it('marks a disposition as a callback and sets a campaign\'s grace', async () => {
    await page.goto(url('dispositions.php'));
    await page.fill('#f-name', 'Call me later');
    await page.check('#f-is_callback');
    await page.getByRole('button', { name: 'Save' }).click();
    await flashMatching(page, /Disposition Call me later saved/);
    assert.equal(db.value("SELECT is_callback FROM dialer_dispositions WHERE name = 'Call me later'"), '1');
    assert.match(await page.locator('tr', { hasText: 'Call me later' }).textContent(), /callback/);

    const id = db.value("SELECT id FROM dialer_campaigns WHERE name = 'cb_sales'");
    await page.goto(url(`campaigns.php?edit=${id}`));
    assert.equal(await page.inputValue('#f-callback_grace_minutes'), '20');
    await page.fill('#f-callback_grace_minutes', '1441');
    await page.getByRole('button', { name: 'Save' }).click();
    assert.match(await fieldErrorOf(page, 'callback_grace_minutes'), /0 .*1440|1440/);
    await page.fill('#f-callback_grace_minutes', '30');
    await page.getByRole('button', { name: 'Save' }).click();
    await flashMatching(page, /Campaign cb_sales saved/);
    assert.equal(db.value('SELECT callback_grace_minutes FROM dialer_campaigns WHERE name = \'cb_sales\''), '30');
  });

  it('lists scheduled callbacks soonest first, in the customer\'s time and the admin\'s', async () => {
    await page.goto(url('callbacks.php'));
    const listed = await rows();
    assert.equal(listed.length, 2, 'only numbers with a callback');
    assert.match(listed[0][0], new RegExp(`^${day(3)} 10:00 UTC`));
    assert.equal(listed[0][2], '5553001');
    assert.equal(listed[0][5], 'Agent 101');
    assert.match(listed[0][6], /^Scheduled: waits for agent 101 until 10:20, then anyone$/);
    assert.match(listed[1][0], new RegExp(`^${day(4)} 15:30 Asia/Kolkata`));
    assert.match(listed[1][1], new RegExp(`^${day(4)} 10:00`));
    assert.equal(listed[1][5], 'Anyone');
    await shot('callbacks');
  });

  it('moves a callback only to a time inside the hours in both zones, to an agent or anyone', async () => {
    await page.goto(url(`callbacks.php?move=${number('5553002')}`));
    assert.equal(await page.inputValue('#f-local_time'), `${day(4)}T15:30`, "the customer's time");
    // 10:00 in India is 04:30 UTC: the campaign is closed.
    await page.fill('#f-local_time', `${day(5)}T10:00`);
    await page.fill('#f-agent', '102');
    await page.getByRole('button', { name: 'Move' }).click();
    assert.match(await fieldErrorOf(page, 'local_time'),
      new RegExp(`outside the campaign's calling hours in the customer's time zone \\(Asia/Kolkata\\); the next opening after it is ${day(5)} 14:30`));
    assert.equal(await page.inputValue('#f-agent'), '102', 'what was typed stays');
    await shot('callback-move-refused');
    await page.fill('#f-local_time', `${day(5)}T17:00`);
    await page.getByRole('button', { name: 'Move' }).click();
    await flashMatching(page, /moved to .* for agent 102/);
    assert.deepEqual(db.sql(`SELECT state, next_try_at, callback_at, callback_agent, callback_until FROM dialer_numbers WHERE number = '5553002'`),
      [['callback', `${day(5)} 11:30:00.000`, `${day(5)} 11:30:00.000`, '102', `${day(5)} 12:00:00.000`]], 'personal, with the 30-minute grace');

    // A personal callback handed to anyone.
    await page.goto(url(`callbacks.php?move=${number('5553001')}`));
    assert.equal(await page.inputValue('#f-agent'), '101');
    await page.fill('#f-agent', '');
    await page.getByRole('button', { name: 'Move' }).click();
    await flashMatching(page, /moved to .* for anyone/);
    assert.deepEqual(db.sql(`SELECT state, callback_agent, callback_until, next_try_at = callback_at FROM dialer_numbers WHERE number = '5553001'`),
      [['pending', 'NULL', 'NULL', '1']]);

    // Bad input: a time that is no time, an agent that is no extension.
    await page.goto(url(`callbacks.php?move=${number('5553001')}`));
    await page.fill('#f-agent', '10 1');
    await page.getByRole('button', { name: 'Move' }).click();
    assert.match(await fieldErrorOf(page, 'agent'), /an extension/);
  });

  it('cancels a callback: the number is closed, with the reason', async () => {
    await page.goto(url('callbacks.php'));
    await page.getByRole('button', { name: 'Cancel 5553001' }).click();
    await flashMatching(page, /Callback of 5553001 cancelled/);
    assert.deepEqual(db.sql(`SELECT state, callback_at, last_error FROM dialer_numbers WHERE number = '5553001'`),
      [['closed', 'NULL', 'Callback cancelled on the Callbacks page']]);
    assert.equal((await rows()).length, 1);
  });
});
