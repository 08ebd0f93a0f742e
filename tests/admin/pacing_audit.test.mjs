// Browser tests of issue 12's admin side: the Compliance page (one audit row
// per Originate, dialer_compliance_audit, migration 0018) with its filter and
// CSV export, and the dashboard's live pacing figures (dialer_campaign_status)
// with the fallback note and the chart over the day (dialer_pacing_samples).
// Rows are seeded through SQL as the engine writes them. Real PHP, real
// MariaDB, real Chromium. Each test makes its own campaigns, so any one runs alone.
import { describe, it, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { artifactsFor, startAdminSession, submitFilter, downloadCsv, waitFor, collectPageErrors } from '../support/harness.mjs';

describe('admin: compliance audit and live pacing figures', { timeout: 150_000 }, () => {
  const artifactsDir = artifactsFor('admin-pacing-audit');
  let db;
  let php;
  let browser;
  let page;
  const consoleErrors = [];

  const url = (p) => `${php.base}/${p}`;
  const shot = (name) => page.screenshot({ path: path.join(artifactsDir, `${name}.png`), fullPage: true });
  const campaign = (name) => {
    db.sql(`INSERT INTO dialer_campaigns (name, destination, queue_name, enabled, time_zone) VALUES ('${name}', 'ext-queues,700,1', '700', 1, 'UTC')`);
    return db.value(`SELECT id FROM dialer_campaigns WHERE name = '${name}'`);
  };
  // One audit row as the engine writes it; `over` changes any column.
  const audit = (callId, campaignId, at, over = {}) => {
    const row = {
      call_id: callId, campaign_id: campaignId, number_id: 7, number: '5550100', instance: 'engine-a', originated_at: at, mode: 'progressive',
      dnc_checked: 1, dnc_listed: 0, party_zone: 'America/New_York', party_local_time: '2026-11-20 10:15:00', window_start: '09:00:00',
      window_end: '21:00:00', window_days: 'mon,tue,wed,thu,fri', window_ok: 1, abandon_rate_pct: 2.4, abandon_target_pct: 3, abandon_window: '30d',
      abandoned_in_window: 12, answered_in_window: 500, dial_level: 1.75, predictive_fallback: 0, ...over,
    };
    const value = (v) => (v === null ? 'NULL' : typeof v === 'number' ? String(v) : `'${String(v).replaceAll("'", "''")}'`);
    db.sql(`INSERT INTO dialer_compliance_audit (${Object.keys(row).join(', ')}) VALUES (${Object.values(row).map(value).join(', ')})`);
  };
  const tableRows = () => page.locator('#pd-audit tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((td) => td.textContent.replace(/\s+/g, ' ').trim())));
  // A fresh status row of the campaign with its pacing figures.
  const status = (campaignId, f) => db.sql(`INSERT INTO dialer_campaign_status (campaign_id, instance, open_now, seconds_left_today, live_calls, problem, updated_at,
        dial_level, answer_rate_pct, abandon_rate_pct, abandoned_in_window, answered_in_window, abandon_target_pct, occupancy_pct, predictive_fallback)
      VALUES (${campaignId}, 'engine-a', 1, 3600, 4, '', UTC_TIMESTAMP(3), ${f.level}, ${f.answer}, ${f.abandon}, ${f.abandoned}, ${f.answered}, ${f.target}, ${f.occupancy}, ${f.fallback})
      ON DUPLICATE KEY UPDATE updated_at = VALUES(updated_at), dial_level = VALUES(dial_level), answer_rate_pct = VALUES(answer_rate_pct),
        abandon_rate_pct = VALUES(abandon_rate_pct), abandoned_in_window = VALUES(abandoned_in_window), answered_in_window = VALUES(answered_in_window),
        abandon_target_pct = VALUES(abandon_target_pct), occupancy_pct = VALUES(occupancy_pct), predictive_fallback = VALUES(predictive_fallback)`);

  before(async () => {
    ({ db, php, browser, page } = await startAdminSession('pacing', {
      viewport: { width: 1400, height: 1000 },
      context: { acceptDownloads: true },
      onPage: collectPageErrors(consoleErrors),
    }));
  });

  // Each page this suite opened ran without a script error or a CSP violation.
  afterEach(() => {
    assert.deepEqual(consoleErrors.splice(0), []);
  });

  after(async () => {
    await browser?.close();
    php?.stop();
    db?.drop();
  });

  it('lists the audit rows with each check, filtered by campaign and dates, and exports them as CSV', async () => {
    const one = campaign('au_one');
    const two = campaign('au_two');
    audit('au-1', one, '2026-11-20 15:15:00.250');
    audit('au-2', one, '2026-11-21 16:00:00.000', { number: '=2+5', party_zone: 'Europe/Paris', party_local_time: null, window_ok: 0, dnc_checked: 0,
      mode: 'predictive', abandon_rate_pct: 3.1, predictive_fallback: 1, dial_level: 2.5 });
    audit('au-3', one, '2026-11-25 09:30:00.000', { number: '+4930123456', dnc_listed: 1 });
    audit('au-4', two, '2026-11-21 12:00:00.000', { number: '5559999' });

    await page.goto(url('compliance.php'));
    assert.equal(await page.locator('nav a[href="compliance.php"]').count() > 0, true, 'the Compliance page is in the menu');
    assert.equal(await page.locator('#pd-audit tbody tr').count(), 4);
    await page.selectOption('#f-campaign', { label: 'au_one' });
    await page.fill('#f-from', '2026-11-20');
    await page.fill('#f-to', '2026-11-21');
    await submitFilter(page);
    const rows = await tableRows();
    assert.deepEqual(rows.map((r) => r[0]), ['2026-11-21 16:00:00', '2026-11-20 15:15:00'], 'newest first, inside the range, of the campaign');
    assert.deepEqual(rows[1].slice(1, 9), ['au_one', '5550100', 'progressive', 'checked, not listed', '2026-11-20 10:15 America/New_York',
      '09:00-21:00 mon,tue,wed,thu,fri inside', '2.40 % of 500 (target 3.00 %, 30d)', '1.750']);
    assert.deepEqual(rows[0].slice(1, 9), ['au_one', '=2+5', 'predictive', 'not checked', 'unknown Europe/Paris',
      '09:00-21:00 mon,tue,wed,thu,fri outside', '3.10 % of 500 (target 3.00 %, 30d) fallback', '2.500']);
    await shot('compliance-filtered');

    const csv = await downloadCsv(page, '#pd-export');
    assert.match(csv.name, /^compliance-\d{8}-\d{6}\.csv$/);
    assert.deepEqual(csv.rows[0], ['Originated (UTC)', 'Call id', 'Campaign', 'Number id', 'Number', 'Mode', 'Do-not-call checked', 'On do-not-call list',
      'Called party zone', 'Called party local time', 'Campaign window', 'Window days', 'Inside window', 'Abandonment rate %', 'Abandonment target %',
      'Abandonment window', 'Abandoned in window', 'Answered in window', 'Dial level', 'Fallback (one call per free agent)', 'Engine']);
    assert.deepEqual(csv.rows.slice(1), [
      ['2026-11-21 16:00:00.000', 'au-2', 'au_one', '7', "'=2+5", 'predictive', 'no', 'no', 'Europe/Paris', '', '09:00-21:00', 'mon,tue,wed,thu,fri', 'no',
        '3.10', '3.00', '30d', '12', '500', '2.500', 'yes', 'engine-a'],
      ['2026-11-20 15:15:00.250', 'au-1', 'au_one', '7', '5550100', 'progressive', 'yes', 'no', 'America/New_York', '2026-11-20 10:15:00', '09:00-21:00',
        'mon,tue,wed,thu,fri', 'yes', '2.40', '3.00', '30d', '12', '500', '1.750', 'no', 'engine-a'],
    ]);

    // The whole campaign: the listed number (kept as a plain number in the CSV) comes too.
    await page.goto(url(`compliance.php?campaign=${one}`));
    const all = await downloadCsv(page, '#pd-export');
    assert.deepEqual(all.rows.slice(1).map((r) => [r[1], r[4], r[7]]), [['au-3', '+4930123456', 'yes'], ['au-2', "'=2+5", 'no'], ['au-1', '5550100', 'no']]);

    // A wrong filter: the page says so, the export is refused.
    await page.goto(url('compliance.php?from=2026-11-22&to=2026-11-21'));
    assert.match(await page.textContent('#pd-filter-errors'), /the end of the range is before its start/);
    const refused = await page.request.get(url('compliance.php?from=21.11.2026&format=csv'));
    assert.equal(refused.status(), 400);
    assert.match(await refused.text(), /From: write a date as YYYY-MM-DD/);
  });

  it('pages through many rows newest first with an "Older" link', async () => {
    const id = campaign('au_many');
    for (let i = 0; i < 53; i++) audit(`many-${String(i).padStart(2, '0')}`, id, '2026-11-22 10:00:00.000');
    await page.goto(url(`compliance.php?campaign=${id}`));
    assert.equal(await page.locator('#pd-audit tbody tr').count(), 50);
    assert.equal(await page.locator('#pd-audit tbody tr').first().getAttribute('data-call-id'), 'many-52');
    await Promise.all([page.waitForNavigation(), page.click('nav[aria-label="Audit pages"] >> text=Older')]);
    const rest = await page.locator('#pd-audit tbody tr').evaluateAll((trs) => trs.map((tr) => tr.dataset.callId));
    assert.deepEqual(rest, ['many-02', 'many-01', 'many-00'], 'the same second: ordered by call id');
    assert.equal(await page.locator('nav[aria-label="Audit pages"] >> text=Older').count(), 0);
    await page.goto(url(`compliance.php?campaign=${id}&before=garbage`));
    assert.match(await page.textContent('#pd-filter-errors'), /the "older" link is damaged/);
  });

  it('shows the live figures, the fallback note and the chart over the day from the samples', async () => {
    const hot = campaign('pc_hot');
    const calm = campaign('pc_calm');
    status(hot, { level: 1.8, answer: 27.5, abandon: 3.1, abandoned: 31, answered: 1000, target: 3, occupancy: 82.5, fallback: 1 });
    status(calm, { level: 2.25, answer: 30, abandon: 1.2, abandoned: 6, answered: 500, target: 3, occupancy: 78, fallback: 0 });
    // Samples of today (UTC, the campaigns' zone): up to 30 minutes back, never before midnight.
    const minute = Math.floor(Date.now() / 60_000) * 60_000;
    const count = Math.min(30, new Date(minute).getUTCHours() * 60 + new Date(minute).getUTCMinutes() + 1);
    const at = (i) => new Date(minute - i * 60_000).toISOString().slice(0, 19).replace('T', ' ');
    db.sql(`INSERT INTO dialer_pacing_samples (campaign_id, instance, minute_at, dial_level, answer_rate_pct, abandon_rate_pct, abandon_target_pct, occupancy_pct, predictive_fallback)
      VALUES ${Array.from({ length: count }, (_, i) => `(${hot}, 'engine-a', '${at(i)}', 1.8, 27.5, ${(2 + i / 100).toFixed(2)}, 3, 82.5, 0)`).join(', ')}`);
    // Yesterday's samples are not today's chart.
    db.sql(`INSERT INTO dialer_pacing_samples (campaign_id, instance, minute_at) VALUES (${hot}, 'engine-a', UTC_DATE() - INTERVAL 1 MINUTE)`);

    await page.goto(url('index.php'));
    const hotCard = page.locator(`[data-campaign-id="${hot}"]`);
    const calmCard = page.locator(`[data-campaign-id="${calm}"]`);
    const cell = (card, role) => card.locator(`[data-role="pacing"] [data-role="${role}"]`);
    assert.equal(await hotCard.locator('[data-role="pacing"]').isVisible(), true);
    assert.equal(await cell(hotCard, 'dial-level').textContent(), '1.80');
    assert.equal(await cell(hotCard, 'answer-rate').textContent(), '27.5 %');
    assert.equal(await cell(hotCard, 'abandon-rate').textContent(), '3.1 %');
    assert.equal(await cell(hotCard, 'abandon-target').textContent(), '3 %');
    assert.equal(await cell(hotCard, 'abandoned').textContent(), '31');
    assert.equal(await cell(hotCard, 'answered').textContent(), '1000');
    assert.equal(await cell(hotCard, 'occupancy').textContent(), '82.5 %');
    assert.match(await cell(hotCard, 'abandon-rate').getAttribute('class'), /text-danger/, 'over the target: shown in red');
    const fallback = hotCard.locator('[data-role="fallback"]');
    assert.equal(await fallback.isVisible(), true);
    assert.match(await fallback.textContent(), /Fallback: one call per free agent/);
    assert.equal(await calmCard.locator('[data-role="fallback"]').isVisible(), false);
    assert.equal(await calmCard.locator('.pd-day-chart').isVisible(), false, 'no sample today: no empty chart');
    assert.equal(await cell(calmCard, 'abandon-rate').textContent(), '1.2 %');
    assert.doesNotMatch(await cell(calmCard, 'abandon-rate').getAttribute('class'), /text-danger/);

    // The chart: today's samples only, every series in the colour of its name.
    const chartOf = (id) => page.evaluate((campaignId) => {
      const canvas = document.querySelector(`[data-campaign-id="${campaignId}"] canvas[data-chart="pacing"]`);
      const chart = canvas && window.Chart ? window.Chart.getChart(canvas) : null;
      return chart ? { labels: chart.data.labels.length, datasets: chart.data.datasets.map((d) => ({ label: d.label, colour: d.borderColor, points: d.data.length, last: d.data[d.data.length - 1] })) } : null;
    }, id);
    await waitFor(async () => (await chartOf(hot)) !== null, 'the pacing chart is drawn');
    const chart = await chartOf(hot);
    assert.equal(chart.labels, count);
    const colours = Object.fromEntries(chart.datasets.map((d) => [d.label, d.colour]));
    assert.deepEqual(colours, { 'Dial level': '#0d6efd', 'Answer rate %': '#198754', 'Abandonment rate %': '#dc3545',
      'Abandonment target %': '#6c757d', 'Agent occupancy %': '#6f42c1' });
    for (const d of chart.datasets) assert.equal(d.points, count, d.label);
    assert.equal(chart.datasets.find((d) => d.label === 'Abandonment rate %').last, 2, 'the newest minute last');
    await shot('dashboard-pacing');

    // Live: back under the target, the note goes without a reload.
    await page.evaluate(() => { window.pdNotReloaded = true; });
    status(hot, { level: 1, answer: 26, abandon: 2.9, abandoned: 29, answered: 1000, target: 3, occupancy: 80, fallback: 0 });
    await fallback.waitFor({ state: 'hidden', timeout: 15_000 });
    assert.equal(await cell(hotCard, 'abandon-rate').textContent(), '2.9 %');
    assert.equal(await page.evaluate(() => window.pdNotReloaded), true);
    await shot('dashboard-pacing-recovered');
  });

  it('hides the figures of a campaign no engine reports and that has no samples today', async () => {
    const idle = campaign('pc_idle');
    await page.goto(url('index.php'));
    assert.equal(await page.locator(`[data-campaign-id="${idle}"] [data-role="pacing"]`).isVisible(), false);
  });
});
