// Browser tests of what the agents did (issue 11): the dashboard's two
// breakdowns per campaign (the engine's results over every finished number,
// refused ones included, and the agents' own dispositions) with colours fixed
// per name; the Agents page (calls, talk time, dispositions per agent, today
// and over a range); the Settings page refusing a template that shows contact
// data unescaped unless the admin allows raw HTML. Real PHP, real MariaDB,
// real Chromium. Each test seeds the rows it needs on its own campaigns and
// agents, so any one runs alone.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { artifactsFor, startAdminSession } from '../support/harness.mjs';

// Far from UTC, so that a day counted in UTC would differ from the admin's day for hours.
const ADMIN_ZONE = 'Pacific/Kiritimati';

/** YYYY-MM-DD of `date` in `zone`. */
function dayIn(zone, date = new Date()) {
  return new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(date);
}

describe("admin: the agents' desk", { timeout: 180_000 }, () => {
  const artifactsDir = artifactsFor('admin-agent-desk');
  let db;
  let php;
  let browser;
  let page;

  const url = (p) => `${php.base}/${p}`;
  const shot = (name) => page.screenshot({ path: path.join(artifactsDir, `${name}.png`), fullPage: true });
  const card = (name) => page.locator('section.card', { has: page.locator('h2', { hasText: new RegExp(`^${name} \\(`) }) });
  // [[name, count, percent, colour], ...] of one breakdown table of a card.
  const breakdown = (c, role) => c.locator(`[data-role=${role}] tr`).evaluateAll((trs) => trs.map((tr) => [
    ...[...tr.cells].map((td) => td.textContent), tr.querySelector('.pd-swatch').dataset.colour,
    getComputedStyle(tr.querySelector('.pd-swatch')).backgroundColor]));
  // label -> colour of a card's chart, as Chart.js draws it.
  const chartColours = (c, which) => c.locator(`canvas[data-chart=${which}]`).evaluate((canvas) => {
    const chart = Chart.getChart(canvas);
    return Object.fromEntries(chart.data.labels.map((label, i) => [label, chart.data.datasets[0].backgroundColor[i]]));
  });
  const rgb = (hex) => `rgb(${[1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)).join(', ')})`;

  before(async () => {
    ({ db, php, browser, page } = await startAdminSession('desk', { logName: 'php-agent-desk.log', viewport: { width: 1400, height: 1000 } }));
  });

  after(async () => {
    await browser?.close();
    php?.stop();
    db?.drop();
  });

  it("shows each campaign's engine results with refused leads and the agents' dispositions, one colour per name", async () => {
    db.sql(`INSERT INTO dialer_campaigns (name, destination, queue_name, week_days, start_hour, end_hour, enabled) VALUES
              ('north', 'ext-queues,700,1', '700', 'mon,tue,wed,thu,fri,sat,sun', '00:00', '00:00', 1),
              ('south', 'ext-queues,701,1', '701', 'mon,tue,wed,thu,fri,sat,sun', '00:00', '00:00', 1);
            SET @n = (SELECT id FROM dialer_campaigns WHERE name = 'north');
            SET @s = (SELECT id FROM dialer_campaigns WHERE name = 'south');
            INSERT INTO dialer_numbers (campaign_id, number, state, attempts, disposition, last_error) VALUES
              (@n, '7100001', 'done', 1, 'Ok', NULL), (@n, '7100002', 'done', 1, 'Ok', NULL),
              (@n, '7100003', 'failed', 0, 'Refused', 'number has a character a dial string cannot carry'),
              (@n, '7100004', 'failed', 0, NULL, NULL),
              (@n, '7100005', 'dnc', 0, NULL, NULL),
              (@n, '7100006', 'retry', 1, 'Failed', NULL), (@n, '7100007', 'pending', 0, NULL, NULL),
              (@s, '7200001', 'failed', 3, 'Failed', NULL), (@s, '7200002', 'done', 1, 'Ok', NULL);
            INSERT INTO dialer_calls (call_id, campaign_id, number, started_at, answered_at, ended_at, agent, agent_disposition, direction) VALUES
              ('desk-n1', @n, '7100001', UTC_TIMESTAMP(3), UTC_TIMESTAMP(3), UTC_TIMESTAMP(3), '301', 'Sale', 'outbound'),
              ('desk-n2', @n, '7100002', UTC_TIMESTAMP(3), UTC_TIMESTAMP(3), UTC_TIMESTAMP(3), '301', 'Sale', 'outbound'),
              ('desk-n3', @n, '7100008', UTC_TIMESTAMP(3), NULL, UTC_TIMESTAMP(3), '302', 'Sale', 'inbound'),
              ('desk-n4', @n, '7100009', UTC_TIMESTAMP(3), UTC_TIMESTAMP(3), UTC_TIMESTAMP(3), '302', 'Callback', 'outbound'),
              ('desk-s1', @s, '7200001', UTC_TIMESTAMP(3), UTC_TIMESTAMP(3), UTC_TIMESTAMP(3), '303', 'Callback', 'outbound'),
              ('desk-s2', @s, '7200002', UTC_TIMESTAMP(3), UTC_TIMESTAMP(3), UTC_TIMESTAMP(3), '303', 'Sale', 'outbound'),
              ('desk-s3', @s, '7200003', UTC_TIMESTAMP(3), UTC_TIMESTAMP(3), UTC_TIMESTAMP(3), '303', '<i>VIP</i>', 'outbound');`);
    await page.goto(url('index.php'));
    const north = card('north');
    const south = card('south');
    await page.waitForFunction(() => [...document.querySelectorAll('canvas.pd-chart')].every((c) => typeof Chart !== 'undefined' && Chart.getChart(c)));

    // Two labelled breakdowns per card.
    assert.deepEqual(await north.locator('.pd-breakdown h3').allTextContents(),
      ['Engine results (5 finished numbers)', "Agents' dispositions (4 tagged calls)"]);

    // Finished numbers only, refused ones counted (the old rows without a
    // disposition too): the percentages add up to 100.
    const engineNorth = await breakdown(north, 'dispositions');
    assert.deepEqual(engineNorth.map((r) => r.slice(0, 3)),
      [['Do-not-call', '1', '20.0%'], ['Ok', '2', '40.0%'], ['Refused', '2', '40.0%']]);
    assert.equal(engineNorth.reduce((sum, r) => sum + parseFloat(r[2]), 0), 100);
    const agentsNorth = await breakdown(north, 'agent-dispositions');
    assert.deepEqual(agentsNorth.map((r) => r.slice(0, 3)), [['Callback', '1', '25.0%'], ['Sale', '3', '75.0%']]);
    const engineSouth = await breakdown(south, 'dispositions');
    assert.deepEqual(engineSouth.map((r) => r.slice(0, 3)), [['Failed', '1', '50.0%'], ['Ok', '1', '50.0%']]);
    const agentsSouth = await breakdown(south, 'agent-dispositions');
    assert.deepEqual(agentsSouth.map((r) => r.slice(0, 3)),
      [['<i>VIP</i>', '1', '33.3%'], ['Callback', '1', '33.3%'], ['Sale', '1', '33.3%']]);
    assert.equal(await south.locator('[data-role=agent-dispositions] i').count(), 0, 'a disposition name is text, not markup');

    // One colour per name: in the tables (swatch painted), in the charts, in both campaigns.
    const colourOf = (rows) => Object.fromEntries(rows.map((r) => [r[0], r[3]]));
    for (const rows of [engineNorth, agentsNorth, engineSouth, agentsSouth]) {
      for (const r of rows) assert.equal(r[4], rgb(r[3]), `swatch of ${r[0]} painted`);
    }
    assert.equal(colourOf(engineNorth).Ok, colourOf(engineSouth).Ok);
    assert.equal(colourOf(engineSouth).Failed, '#dc3545');
    assert.equal(colourOf(engineNorth).Ok, '#198754');
    assert.equal(colourOf(agentsNorth).Sale, colourOf(agentsSouth).Sale);
    assert.equal(colourOf(agentsNorth).Callback, colourOf(agentsSouth).Callback);
    assert.notEqual(colourOf(agentsNorth).Sale, colourOf(agentsNorth).Callback);
    assert.deepEqual(await chartColours(north, 'dispositions'), colourOf(engineNorth));
    assert.deepEqual(await chartColours(south, 'dispositions'), colourOf(engineSouth));
    assert.deepEqual(await chartColours(north, 'agent_dispositions'), colourOf(agentsNorth));
    assert.deepEqual(await chartColours(south, 'agent_dispositions'), colourOf(agentsSouth));
    await north.scrollIntoViewIfNeeded();
    await shot('dashboard-breakdowns');

    // The page's own refresh keeps every name's colour, whatever its position.
    db.sql(`SET @n = (SELECT id FROM dialer_campaigns WHERE name = 'north');
            UPDATE dialer_numbers SET state = 'failed', attempts = 2 WHERE campaign_id = @n AND number = '7100006';
            INSERT INTO dialer_calls (call_id, campaign_id, number, started_at, agent, agent_disposition, direction)
              VALUES ('desk-n5', @n, '7100010', UTC_TIMESTAMP(3), '301', 'Appointment', 'inbound');`);
    await page.waitForFunction(() => [...document.querySelectorAll('section.card')]
      .find((c) => c.querySelector('h2').textContent.startsWith('north ('))
      ?.querySelector('[data-role="dispositions-total"]').textContent === '6');
    const refreshed = await breakdown(north, 'dispositions');
    assert.deepEqual(refreshed.map((r) => r.slice(0, 3)),
      [['Do-not-call', '1', '16.7%'], ['Failed', '1', '16.7%'], ['Ok', '2', '33.3%'], ['Refused', '2', '33.3%']]);
    assert.equal(colourOf(refreshed).Failed, '#dc3545');
    assert.equal(colourOf(refreshed).Ok, colourOf(engineNorth).Ok);
    const agentsRefreshed = await breakdown(north, 'agent-dispositions');
    assert.equal(colourOf(agentsRefreshed).Sale, colourOf(agentsNorth).Sale, 'Sale keeps its colour though it moved down a row');
    assert.deepEqual(await chartColours(north, 'agent_dispositions'), colourOf(agentsRefreshed));
    for (const r of agentsRefreshed) assert.equal(r[4], rgb(r[3]), `swatch of ${r[0]} painted after the refresh`);
  });

  it("shows each agent's calls, talk time and dispositions for today and for a range, in the admin's zone", async () => {
    // Agents 401-403 are this test's own. A call starting now is today in any
    // zone; one 4 days ago falls in the range below, one 10 days ago in neither.
    db.sql(`INSERT INTO dialer_settings (name, value) VALUES ('admin_time_zone', '${ADMIN_ZONE}')
              ON DUPLICATE KEY UPDATE value = VALUES(value);
            INSERT INTO dialer_campaigns (name, destination, queue_name) VALUES ('desk_agents', 'ext-queues,702,1', '702');
            SET @c = (SELECT id FROM dialer_campaigns WHERE name = 'desk_agents');
            SET @now = UTC_TIMESTAMP(3);
            INSERT INTO dialer_calls (call_id, campaign_id, number, direction, started_at, answered_at, ended_at, agent, agent_disposition) VALUES
              ('ag-1', @c, '1', 'outbound', @now, @now, @now + INTERVAL 60 SECOND, '401', 'Sale'),
              ('ag-2', @c, '2', 'outbound', @now, @now, @now + INTERVAL 120 SECOND, '401', 'Callback'),
              ('ag-3', @c, '3', 'inbound', @now, NULL, @now, '401', 'Sale'),
              ('ag-4', @c, '4', 'outbound', @now - INTERVAL 4 DAY, @now - INTERVAL 4 DAY, @now - INTERVAL 4 DAY + INTERVAL 30 SECOND, '401', 'Sale'),
              ('ag-5', @c, '5', 'outbound', @now, @now, @now + INTERVAL 45 SECOND, '402', NULL),
              ('ag-6', @c, '6', 'outbound', @now - INTERVAL 4 DAY, @now - INTERVAL 4 DAY, @now - INTERVAL 4 DAY + INTERVAL 3700 SECOND, '402', 'Sale'),
              ('ag-7', @c, '7', 'outbound', @now - INTERVAL 4 DAY, @now - INTERVAL 4 DAY, @now - INTERVAL 4 DAY + INTERVAL 10 SECOND, '402', 'Sale'),
              ('ag-8', @c, '8', 'outbound', @now - INTERVAL 10 DAY, @now - INTERVAL 10 DAY, @now - INTERVAL 10 DAY + INTERVAL 500 SECOND, '401', 'Sale'),
              ('ag-9', @c, '9', 'outbound', @now, NULL, @now, NULL, NULL),
              ('ag-10', @c, '10', 'outbound', @now, @now, @now + INTERVAL 5 SECOND, '<b>403</b>', '<i>Odd</i>');
            INSERT INTO dialer_agent_events (agent, kind, reason, campaign_id, call_id, started_at, ended_at, ended_by) VALUES
              ('401', 'wrapup', 'wrap-up', @c, 'ag-1', @now, @now + INTERVAL 30 SECOND, 'saved'),
              ('401', 'wrapup', 'wrap-up', @c, 'ag-2', @now + INTERVAL 1 SECOND, @now + INTERVAL 16 SECOND, 'timeout'),
              ('401', 'pause', 'Lunch', NULL, NULL, @now + INTERVAL 2 SECOND, @now + INTERVAL 602 SECOND, 'saved'),
              ('402', 'pause', 'Break', NULL, NULL, @now - INTERVAL 4 DAY, @now - INTERVAL 4 DAY + INTERVAL 120 SECOND, 'saved');`);
    // This test's agents only (other tests' calls may be there too), in the page's order.
    const mine = ['401', '402', '<b>403</b>'];
    const rows = (id) => page.locator(`#${id} tbody tr`).evaluateAll((trs, agents) => trs
      .filter((tr) => agents.includes(tr.dataset.agent))
      .map((tr) => ['agent', 'calls', 'talk', 'wrapup', 'pauses', 'dispositions', 'untagged'].map((role) => tr.querySelector(`[data-role=${role}]`).textContent)), mine);
    const today = dayIn(ADMIN_ZONE);
    const daysAgo = (n) => dayIn(ADMIN_ZONE, new Date(Date.now() - n * 86_400_000));

    await page.goto(url('agents.php'));
    assert.equal(await page.getAttribute('nav a[href="agents.php"]', 'aria-current'), 'page');
    assert.match(await page.textContent('main'), new RegExp(`counted in ${ADMIN_ZONE} time`));
    assert.equal((await page.textContent('#pd-agents-today-title')).trim(), `Today (${today})`);
    assert.deepEqual(await rows('pd-agents-today'), [
      ['401', '3', '0:03:00', '0:00:45', '0:10:00 (1)', 'Callback 1, Sale 2', '0'],
      ['402', '1', '0:00:45', '0:00:00', '0:00:00', '', '1'], // equal calls: by name
      ['<b>403</b>', '1', '0:00:05', '0:00:00', '0:00:00', '<i>Odd</i> 1', '0'],
    ]);
    assert.equal(await page.locator('#pd-agents-today b, #pd-agents-today i').count(), 0, 'agent and disposition names are text');
    assert.match(await page.textContent('main'), /Wrap-up and pause time count the wrap-ups and pauses that ended/);
    // The default range: the last seven days.
    assert.equal(await page.inputValue('#f-from'), daysAgo(6));
    assert.equal(await page.inputValue('#f-to'), today);

    await page.fill('#f-from', daysAgo(5));
    await page.fill('#f-to', today);
    await page.click('#pd-agents-range-form button[type=submit]');
    await page.waitForURL(/from=/);
    assert.equal((await page.textContent('#pd-agents-range-title')).trim(), `From ${daysAgo(5)} to ${today}`);
    assert.deepEqual(await rows('pd-agents-range'), [
      ['401', '4', '0:03:30', '0:00:45', '0:10:00 (1)', 'Callback 1, Sale 3', '0'],
      ['402', '3', '1:02:35', '0:00:00', '0:02:00 (1)', 'Sale 2', '1'],
      ['<b>403</b>', '1', '0:00:05', '0:00:00', '0:00:00', '<i>Odd</i> 1', '0'],
    ]);
    // Ordered by talk time on request.
    await page.click('#pd-agents-range thead a:has-text("Talk time")');
    await page.waitForURL(/sort=talk/);
    assert.deepEqual((await rows('pd-agents-range')).map((r) => r[0]), ['402', '401', '<b>403</b>']);
    assert.equal(await page.getAttribute('#pd-agents-range th:has(a:has-text("Talk time"))', 'aria-sort'), 'descending');
    await shot('agents');

    // A bad range says why, and shows no range figures.
    for (const [from, to, message] of [
      ['2026-02-30', today, /From date "2026-02-30" is not a date: use YYYY-MM-DD\./],
      [today, daysAgo(3), new RegExp(`The range ends \\(${daysAgo(3)}\\) before it starts \\(${today}\\)\\.`)],
      ['2020-01-01', '2024-01-01', /The range spans 1462 days; at most 366 at once\./],
      ['<script>', today, /From date "<script>" is not a date/],
    ]) {
      await page.goto(url(`agents.php?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`));
      assert.match(await page.textContent('#e-range[role=alert]'), message);
      assert.equal(await page.locator('#pd-agents-range').count(), 0);
      assert.equal(await page.locator('#pd-agents-today').count(), 1, 'today still shown');
    }
    await shot('agents-bad-range');
  });

  it('refuses a raw contact placeholder in the preview template unless raw HTML is allowed, then warns', async () => {
    const template = '<h2>{NAME|s}</h2><p>{NUMBER}</p>{VARIABLE|s}{DIALBUTTON|s}';
    const stored = () => db.sql("SELECT name, value FROM dialer_settings WHERE name IN ('preview_template', 'preview_allow_raw_html') ORDER BY name");
    db.sql(`UPDATE dialer_settings SET value = '<div>{NAME}</div>{DIALBUTTON|s}' WHERE name = 'preview_template';
            UPDATE dialer_settings SET value = '0' WHERE name = 'preview_allow_raw_html'`);
    const before = stored();
    await page.goto(url('settings.php'));
    assert.equal(await page.isChecked('#f-preview_allow_raw_html'), false, 'not allowed by default');
    assert.equal(await page.locator('#pd-raw-html-warning').count(), 0);

    await page.fill('#f-preview_template', template);
    await page.click('#pd-dialer-settings button[type=submit]');
    await page.locator('#e-preview_template').waitFor();
    const error = await page.textContent('#e-preview_template');
    assert.match(error, /shows contact data unescaped: \{NAME\|s\}, \{VARIABLE\|s\}\./);
    assert.match(error, /tick "Allow raw HTML"/);
    assert.equal(await page.inputValue('#f-preview_template'), template, 'the refused template is shown again to fix');
    assert.deepEqual(stored(), before, 'nothing saved');
    await shot('settings-raw-refused');

    await page.check('#f-preview_allow_raw_html');
    await page.selectOption('#f-admin_time_zone', 'Europe/Madrid');
    await page.click('#pd-dialer-settings button[type=submit]');
    await page.waitForFunction(() => document.querySelector('.alert[role=status]')?.textContent.includes('Dialer settings saved'));
    assert.deepEqual(stored(), [['preview_allow_raw_html', '1'], ['preview_template', template]]);
    assert.equal(await page.isChecked('#f-preview_allow_raw_html'), true);
    assert.equal(db.value("SELECT value FROM dialer_settings WHERE name = 'admin_time_zone'"), 'Europe/Madrid', 'the Agents page day, set here too');
    const warning = page.locator('#pd-raw-html-warning[role=alert]');
    assert.equal(await warning.isVisible(), true);
    assert.match((await warning.textContent()).replace(/\s+/g, ' '), /Raw HTML is allowed in the preview card: \{NAME\|s\}, \{VARIABLE\|s\} put contact data into the agent's card unescaped/);
    await shot('settings-raw-allowed');

    // Unticking refuses the template again; a template saved by other means
    // (before this rule) is pointed out, since the agent panel refuses it.
    await page.uncheck('#f-preview_allow_raw_html');
    await page.click('#pd-dialer-settings button[type=submit]');
    await page.locator('#e-preview_template').waitFor();
    assert.equal(db.value("SELECT value FROM dialer_settings WHERE name = 'preview_allow_raw_html'"), '1', 'nothing saved');
    db.sql("UPDATE dialer_settings SET value = '0' WHERE name = 'preview_allow_raw_html'");
    await page.goto(url('settings.php'));
    assert.match((await page.textContent('#pd-raw-html-refused[role=alert]')).replace(/\s+/g, ' '), /\(\{NAME\|s\}, \{VARIABLE\|s\}\) and raw HTML is not allowed: the agent panel refuses/);
    assert.equal(await page.locator('#pd-raw-html-warning').count(), 0);
  });
});
