// Browser tests of what agents chose, seen from the admin side (issue 11, item 8):
// the agent's disposition beside the engine's result on the Numbers page (column
// and filter), the Calls log (one row per dialer_calls row, inbound tags too),
// the CSV exports of both with the current filter, and the recycle by filter.
// Rows are seeded through SQL as the engine writes them (pd::store::AgentTag sets
// dialer_calls.agent_disposition and dialer_numbers.agent_disposition; an
// InboundTag inserts an inbound dialer_calls row without a number_id). Real PHP,
// real MariaDB, real Chromium. Each test makes its own campaign, so any one of
// them runs alone.
import { describe, it, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { artifactsFor, startAdminSession, flashMatching, submitFilter as submitPageFilter, downloadCsv, collectPageErrors } from '../support/harness.mjs';


describe("admin: the agent's disposition, the calls log, exports and recycling by filter", { timeout: 150_000 }, () => {
  const artifactsDir = artifactsFor('admin-calls');
  let db;
  let php;
  let browser;
  let page;
  const consoleErrors = [];

  const url = (p) => `${php.base}/${p}`;
  const shot = (name) => page.screenshot({ path: path.join(artifactsDir, `${name}.png`), fullPage: true });
  const flash = (pattern) => flashMatching(page, pattern);
  // The cells of a table's rows under the named headers, row by row.
  const columns = async (table, names) => {
    await page.locator(`${table} tbody`).waitFor();
    const headers = (await page.locator(`${table} thead th`).allTextContents()).map((h) => h.trim());
    for (const name of names) assert.ok(headers.includes(name), `a "${name}" column (headers: ${headers.join(', ')})`);
    const rows = await page.locator(`${table} tbody tr`).evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((td) => td.textContent.trim())));
    return rows.map((cells) => names.map((name) => cells[headers.indexOf(name)]));
  };
  const campaign = (name) => {
    db.sql(`INSERT INTO dialer_campaigns (name, destination, queue_name, enabled) VALUES ('${name}', 'ext-queues,700,1', '700', 0)`);
    return db.value(`SELECT id FROM dialer_campaigns WHERE name = '${name}'`);
  };
  const submitFilter = () => submitPageFilter(page);
  const download = (selector) => downloadCsv(page, selector);

  before(async () => {
    ({ db, php, browser, page } = await startAdminSession('calls', {
      viewport: { width: 1400, height: 900 },
      context: { acceptDownloads: true },
      onPage: collectPageErrors(consoleErrors),
    }));
  });

  // Each page this suite opened ran without a script error or a CSP violation.
  afterEach(() => {
    const errors = consoleErrors.splice(0);
    assert.deepEqual(errors, []);
  });

  after(async () => {
    await browser?.close();
    php?.stop();
    db?.drop();
  });

  it("shows the agent's disposition beside the engine's result and filters by it", async () => {
    const id = campaign('nd_tags');
    // A preview call the agent tagged Callback: the engine's result stays Ok.
    db.sql(`INSERT INTO dialer_numbers (campaign_id, name, number, state, attempts, disposition, agent_disposition) VALUES
              (${id}, 'Cara', '6100001', 'done', 1, 'Ok', 'Callback'),
              (${id}, 'Dan', '6100002', 'done', 1, 'Ok', 'Sale'),
              (${id}, 'Eve', '6100003', 'failed', 3, 'Failed', NULL);
            INSERT INTO dialer_calls (call_id, campaign_id, number_id, number, started_at, answered_at, ended_at, dial_status, disposition, agent, agent_disposition)
              SELECT CONCAT('nd-', number), campaign_id, id, number, '2026-05-01 10:00:00', '2026-05-01 10:00:03', '2026-05-01 10:01:00', 'ANSWER', 'Ok', 'SIP/301', agent_disposition
              FROM dialer_numbers WHERE campaign_id = ${id} AND agent_disposition IS NOT NULL`);
    await page.goto(url('numbers.php'));
    await page.selectOption('#f-campaign', { label: 'nd_tags' });
    await page.selectOption('#f-agent_disposition', 'Callback');
    await submitFilter();
    assert.deepEqual(await columns('#pd-numbers', ['Number', 'Result', "Agent's disposition"]), [['6100001', 'Ok', 'Callback']]);

    await page.selectOption('#f-agent_disposition', 'Sale');
    await submitFilter();
    assert.deepEqual(await columns('#pd-numbers', ['Number', 'Result', "Agent's disposition"]), [['6100002', 'Ok', 'Sale']]);

    await page.selectOption('#f-agent_disposition', '(none)');
    await submitFilter();
    assert.deepEqual(await columns('#pd-numbers', ['Number', 'Result', "Agent's disposition"]), [['6100003', 'Failed', '']]);

    await page.selectOption('#f-agent_disposition', '(any)');
    await page.fill('#f-disposition', 'Ok');
    await submitFilter();
    assert.deepEqual(await columns('#pd-numbers', ['Number', 'Result', "Agent's disposition"]), [['6100002', 'Ok', 'Sale'], ['6100001', 'Ok', 'Callback']]);
    await shot('numbers-agent-disposition');

    // A tag nobody chose yet: no rows, not an error.
    await page.goto(url(`numbers.php?campaign=${id}&agent_disposition=Refund`));
    assert.match(await page.textContent('#pd-numbers tbody'), /No numbers match/);
  });

  it('lists calls newest first with the agent disposition and talk time, and filters them', async () => {
    const id = campaign('cl_log');
    db.sql(`INSERT INTO dialer_numbers (campaign_id, name, number, state, disposition, agent_disposition) VALUES (${id}, 'Ana <b>Log</b>', '6200001', 'done', 'Ok', 'Sale');
            SET @n = LAST_INSERT_ID();
            INSERT INTO dialer_calls (call_id, campaign_id, number_id, number, attempt, direction, started_at, answered_at, ended_at, dial_status, disposition, dtmf, agent, agent_disposition) VALUES
              ('cl-a', ${id}, @n, '6200001', 2, 'outbound', '2026-03-10 10:00:00.000', '2026-03-10 10:00:05.000', '2026-03-10 10:02:10.000', 'ANSWER', 'Ok', '12', 'SIP/201', 'Sale'),
              ('cl-b', ${id}, @n, '6200001', 1, 'outbound', '2026-03-09 09:00:00.000', NULL, '2026-03-09 09:00:30.000', 'BUSY', 'Failed', NULL, NULL, NULL),
              ('cl-c', ${id}, NULL, '6209999', 1, 'inbound', '2026-03-12 08:00:00.000', NULL, '2026-03-12 08:00:00.000', NULL, NULL, NULL, 'SIP/202', 'Callback')`);
    const names = ['Started (UTC)', 'Direction', 'Number', 'Contact name', 'Campaign', 'Agent', 'Dial status', 'Result', "Agent's disposition", 'Talk time', 'DTMF'];
    await page.goto(url('calls.php'));
    await page.selectOption('#f-campaign', { label: 'cl_log' });
    await submitFilter();
    assert.deepEqual(await columns('#pd-calls', names), [
      ['2026-03-12 08:00:00', 'inbound', '6209999', '', 'cl_log', 'SIP/202', '', '', 'Callback', '', ''],
      ['2026-03-10 10:00:00', 'outbound', '6200001', 'Ana <b>Log</b>', 'cl_log', 'SIP/201', 'ANSWER', 'Ok', 'Sale', '2:05', '12'],
      ['2026-03-09 09:00:00', 'outbound', '6200001', 'Ana <b>Log</b>', 'cl_log', '', 'BUSY', 'Failed', '', '', ''],
    ]);
    assert.equal(await page.locator('#pd-calls td b').count(), 0, 'markup in a name is escaped, not rendered');
    await shot('calls');

    const numbers = () => columns('#pd-calls', ['Number', 'Result']).then((rows) => rows.map((r) => r.join('/')));
    await page.selectOption('#f-agent_disposition', 'Sale');
    await submitFilter();
    assert.deepEqual(await numbers(), ['6200001/Ok']);
    await page.selectOption('#f-agent_disposition', '');
    await page.selectOption('#f-agent', 'SIP/202');
    await submitFilter();
    assert.deepEqual(await numbers(), ['6209999/']);
    await page.selectOption('#f-agent', '');
    await page.fill('#f-from', '2026-03-09');
    await page.fill('#f-to', '2026-03-10');
    await submitFilter();
    assert.deepEqual(await numbers(), ['6200001/Ok', '6200001/Failed'], 'both ends of the range are whole days, included');
    await page.fill('#f-to', '2026-03-09');
    await page.fill('#f-result', 'Failed');
    await submitFilter();
    assert.deepEqual(await numbers(), ['6200001/Failed']);
    await page.goto(url(`calls.php?campaign=${id}&q=6209`));
    assert.deepEqual(await numbers(), ['6209999/']);

    // Bad filter values: a message naming the field, not a 500 and not all rows.
    for (const [query, message] of [['from=2026-02-31', /From: write a date as YYYY-MM-DD/], ['from=2026-03-12&to=2026-03-01', /To: the end of the range is before its start/],
      ['before=garbage', /the "older" link is damaged/]]) {
      const response = await page.goto(url(`calls.php?campaign=${id}&${query}`));
      assert.equal(response.status(), 200, query);
      assert.match(await page.textContent('#pd-filter-errors'), message);
      assert.match(await page.textContent('#pd-calls tbody'), /No calls match/);
    }
    const refused = await page.request.get(url(`calls.php?from=31.12.2026&format=csv`));
    assert.equal(refused.status(), 400);
    assert.match(await refused.text(), /From: write a date as YYYY-MM-DD/);
  });

  it('pages through thousands of calls by keyset, ties on the start time included', async () => {
    const id = campaign('cl_many');
    // 2400 calls, three to a second: ties on started_at that the id breaks.
    db.sql(`INSERT INTO dialer_calls (call_id, campaign_id, number, started_at, disposition)
              SELECT CONCAT('many-', seq), ${id}, CONCAT('66', LPAD(seq, 5, '0')), TIMESTAMP('2026-04-01 00:00:00') + INTERVAL (seq DIV 3) SECOND, 'Ok' FROM seq_1_to_2400`);
    await page.goto(url(`calls.php?campaign=${id}`));
    const seen = [];
    for (;;) {
      const rows = await columns('#pd-calls', ['Number']);
      seen.push(...rows.map((r) => r[0]));
      const older = page.locator('a:has-text("Older")');
      if (await older.count() === 0) break;
      if (seen.length > 200) break; // four pages are enough to prove the cursor; the export reads the rest
      await Promise.all([page.waitForNavigation(), older.click()]);
    }
    assert.equal(seen.length, 250);
    assert.equal(new Set(seen).size, seen.length, 'no call twice');
    const expected = db.sql(`SELECT number FROM dialer_calls WHERE campaign_id = ${id} ORDER BY started_at DESC, id DESC LIMIT 250`).map((r) => r[0]);
    assert.deepEqual(seen, expected, 'newest first, ties by id');

    const csv = await download('#pd-export');
    assert.equal(csv.rows.length, 2401, 'a header and every call, past the export chunk of 1000');
    assert.equal(new Set(csv.rows.slice(1).map((r) => r[2])).size, 2400);
  });

  it('exports the filtered numbers and calls as CSV, neutralising formula-looking cells', async () => {
    const id = campaign('csv_exp');
    db.sql(`INSERT INTO dialer_numbers (campaign_id, name, number, state, disposition, agent_disposition) VALUES
              (${id}, '=HYPERLINK("http://evil.example","click")', '+4930123456', 'done', 'Ok', 'Sale'),
              (${id}, '@SUM(1+1)', '6300002', 'done', 'Ok', 'Sale'),
              (${id}, 'Plain, with comma', '6300003', 'done', 'Ok', 'Callback');
            INSERT INTO dialer_calls (call_id, campaign_id, number_id, number, started_at, answered_at, ended_at, dial_status, disposition, agent, agent_disposition)
              SELECT CONCAT('csv-', id), campaign_id, id, number, '2026-06-01 12:00:00', '2026-06-01 12:00:01', '2026-06-01 12:00:46', 'ANSWER', 'Ok', '-1+cmd', agent_disposition
              FROM dialer_numbers WHERE campaign_id = ${id}`);
    await page.goto(url(`numbers.php?campaign=${id}&agent_disposition=Sale`));
    const numbers = await download('#pd-export');
    assert.match(numbers.name, /^numbers-\d{8}-\d{6}\.csv$/);
    const header = numbers.rows[0];
    assert.deepEqual(header.slice(0, 9), ['Id', 'Campaign', 'Name', 'Number', 'Time zone', 'State', 'Attempts', 'Result', "Agent's disposition"]);
    const cell = (row, name) => row[header.indexOf(name)];
    assert.deepEqual(numbers.rows.slice(1).map((r) => [cell(r, 'Name'), cell(r, 'Number'), cell(r, "Agent's disposition")]), [
      ["'@SUM(1+1)", '6300002', 'Sale'],
      [`'=HYPERLINK("http://evil.example","click")`, '+4930123456', 'Sale'],
    ], 'only the filtered rows; formulas quoted, a plain E.164 number kept');

    await page.goto(url(`calls.php?campaign=${id}`));
    const calls = await download('#pd-export');
    assert.match(calls.name, /^calls-\d{8}-\d{6}\.csv$/);
    assert.deepEqual(calls.rows[0], ['Started (UTC)', 'Direction', 'Number', 'Contact name', 'Campaign', 'Agent', 'Dial status', 'Result', "Agent's disposition",
      'Talk time (s)', 'DTMF', 'Call id']);
    assert.equal(calls.rows.length, 4);
    const byNumber = Object.fromEntries(calls.rows.slice(1).map((r) => [r[2], r]));
    assert.equal(byNumber['6300003'][3], 'Plain, with comma');
    assert.equal(byNumber['6300003'][5], "'-1+cmd", 'a formula-looking agent is quoted');
    assert.equal(byNumber['6300003'][9], '45');
    assert.equal(byNumber['+4930123456'][3], `'=HYPERLINK("http://evil.example","click")`);
  });

  it('recycles every number matching the filter, never do-not-call ones or calls in progress', async () => {
    const id = campaign('rc_filter');
    // 2057 failed numbers to recycle (more than a page of 50, and than a recycle chunk of 1000), and three that
    // match the filter but must stay.
    db.sql(`INSERT INTO dialer_numbers (campaign_id, number, state, attempts, disposition, last_error)
              SELECT ${id}, CONCAT('641', LPAD(seq, 4, '0')), 'failed', 3, 'Failed', 'busy' FROM seq_1_to_2057;
            INSERT INTO dialer_numbers (campaign_id, number, state, attempts, disposition) VALUES
              (${id}, '6400003', 'failed', 3, 'Failed'),
              (${id}, '6400004', 'dnc', 1, 'Failed'),
              (${id}, '6400005', 'dialing', 2, 'Failed'),
              (${id}, '6400006', 'done', 1, 'Ok');
            INSERT INTO dialer_dnc (number, reason) VALUES ('6400003', 'asked not to be called')`);
    const states = () => db.sql(`SELECT number, state, attempts FROM dialer_numbers WHERE campaign_id = ${id} AND number LIKE '64000%' ORDER BY number`);
    const before = states();

    // Without the CSRF token: refused, nothing changed.
    const forged = await page.request.post(url('numbers.php'), { form: { action: 'recycle_filter', campaign: id, disposition: 'Failed' } });
    assert.equal(forged.status(), 403);
    assert.equal(db.value(`SELECT COUNT(*) FROM dialer_numbers WHERE campaign_id = ${id} AND state = 'pending'`), '0');

    await page.goto(url(`numbers.php?campaign=${id}&disposition=Failed`));
    assert.equal(await page.locator('#pd-numbers tbody tr').count(), 50, 'one page on screen');
    await Promise.all([page.waitForNavigation(), page.click('#pd-recycle-filter')]);
    const confirm = page.locator('#pd-recycle-confirm');
    assert.equal(await confirm.locator('[data-role=recyclable]').textContent(), '2057');
    assert.match(await confirm.textContent(), /3 more match but are left alone/);
    await shot('numbers-recycle-confirm');
    await confirm.locator('button[type=submit]').click();
    assert.match(await flash(/numbers matching the filter recycled/), /2057 numbers matching the filter recycled\./);
    assert.match(page.url(), new RegExp(`numbers\\.php\\?campaign=${id}&disposition=Failed$`), 'back on the same filter');

    assert.deepEqual(db.sql(`SELECT state, attempts, IFNULL(last_error, 'NULL'), COUNT(*) FROM dialer_numbers WHERE campaign_id = ${id} AND number LIKE '641%' GROUP BY 1, 2, 3`),
      [['pending', '0', 'NULL', '2057']]);
    assert.deepEqual(states(), before, 'do-not-call (listed and marked), the call in progress and the non-matching number are untouched');

    // Asked again: nothing left to take.
    await page.goto(url(`numbers.php?campaign=${id}&disposition=Failed&recycle=confirm`));
    assert.match(await page.textContent('#pd-recycle-confirm'), /No number matching this filter can be recycled/);
  });

  it('says what is wrong with a bad numbers filter instead of listing everything', async () => {
    const response = await page.goto(url('numbers.php?state=nonsense&campaign=999999'));
    assert.equal(response.status(), 200);
    const errors = await page.textContent('#pd-filter-errors');
    assert.match(errors, /Campaign: there is no campaign with this id/);
    assert.match(errors, /State: choose one of/);
    assert.match(await page.textContent('#pd-numbers tbody'), /No numbers match/);
    assert.equal(await page.locator('#pd-recycle-filter').count(), 0, 'no recycle of an invalid filter');
  });
});
