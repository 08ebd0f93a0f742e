// Browser tests of the dashboard's engine line beyond "running": what fresh
// heartbeats report (migration 0008) - the PBX link down, and call records
// the database refused (count, last error, how long ago), escaped, and kept
// current by dashboard.js without a reload. Real PHP, real MariaDB, real
// Chromium. Each test writes the heartbeat rows it needs, so any one runs alone.
import { describe, it, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { artifactsFor, startAdminSession } from '../support/harness.mjs';


describe('admin: engine health on the dashboard', { timeout: 120_000 }, () => {
  const artifactsDir = artifactsFor('admin-dashboard-health');
  let db;
  let php;
  let browser;
  let page;

  const url = (p) => `${php.base}/${p}`;
  const shot = (name) => page.screenshot({ path: path.join(artifactsDir, `${name}.png`), fullPage: true });
  const pbxLine = () => page.locator('#pd-engine-health [data-role=pbx-down]');
  const writesLine = () => page.locator('#pd-engine-health [data-role=writes-refused]');
  // A fresh heartbeat row of `instance` (ami_up, refused writes, last error and its age in seconds).
  const beat = (instance, { amiUp = 1, refused = 0, error = null, agoS = 0 } = {}) => db.sql(
    `INSERT INTO dialer_heartbeat (instance, version, started_at, last_beat, ami_up, writes_refused, last_write_error, last_write_error_at)
       VALUES ('${instance}', '0.1.0', UTC_TIMESTAMP(3), UTC_TIMESTAMP(3), ${amiUp}, ${refused},
               ${error === null ? 'NULL' : `'${error.replaceAll("'", "''")}'`},
               ${error === null ? 'NULL' : `UTC_TIMESTAMP(3) - INTERVAL ${agoS} SECOND`})
     ON DUPLICATE KEY UPDATE last_beat = VALUES(last_beat), ami_up = VALUES(ami_up), writes_refused = VALUES(writes_refused),
       last_write_error = VALUES(last_write_error), last_write_error_at = VALUES(last_write_error_at)`);

  before(async () => {
    ({ db, php, browser, page } = await startAdminSession('health', { logName: 'php-dashboard-health.log' }));
  });

  beforeEach(() => {
    db.sql('DELETE FROM dialer_heartbeat');
  });

  after(async () => {
    await browser?.close();
    php?.stop();
    db?.drop();
  });

  it('shows the PBX link down and the call records the database refused, escaped', async () => {
    beat('engine-a', { amiUp: 0, refused: 3, error: "Data too long for column 'disposition' <b>at</b> row 1", agoS: 125 });
    await page.goto(url('index.php'));
    assert.match(await page.textContent('#pd-engine'), /Engine: running/);
    assert.equal(await pbxLine().isVisible(), true);
    assert.equal((await pbxLine().textContent()).trim(), 'PBX link down');
    assert.equal(await pbxLine().getAttribute('role'), 'status');
    assert.equal(await writesLine().isVisible(), true);
    assert.equal(await writesLine().getAttribute('role'), 'alert');
    assert.equal((await writesLine().textContent()).trim(),
      "3 call records could not be saved (last: Data too long for column 'disposition' <b>at</b> row 1, 2 min ago) — see the engine log");
    assert.equal(await writesLine().locator('b').count(), 0, 'markup in the error is escaped, not rendered');
    await shot('dashboard-engine-health');
  });

  it('shows neither line while the engines are well, nor for an engine that stopped beating', async () => {
    beat('engine-b');
    beat('engine-c', { amiUp: 0, refused: 5, error: 'Incorrect integer value' });
    db.sql("UPDATE dialer_heartbeat SET last_beat = UTC_TIMESTAMP(3) - INTERVAL 1 MINUTE WHERE instance = 'engine-c'");
    await page.goto(url('index.php'));
    assert.match(await page.textContent('#pd-engine'), /Engine: running/);
    assert.equal(await pbxLine().isVisible(), false);
    assert.equal(await writesLine().isVisible(), false);
  });

  it('follows the heartbeats without a reload: the lines come, change and go', async () => {
    beat('engine-d');
    await page.goto(url('index.php'));
    assert.equal(await writesLine().isVisible(), false);
    await page.evaluate(() => { window.pdNotReloaded = true; });

    beat('engine-d', { amiUp: 0, refused: 1, error: 'Out of range value for column \'attempts\'', agoS: 5 });
    await writesLine().waitFor({ state: 'visible', timeout: 10_000 });
    await pbxLine().waitFor({ state: 'visible', timeout: 10_000 });
    assert.match(await writesLine().textContent(),
      /^1 call record could not be saved \(last: Out of range value for column 'attempts', \d+ s ago\) — see the engine log$/);

    // A second engine's newer refusal: the counts add up, the newest error is shown.
    beat('engine-e', { refused: 2, error: 'Incorrect string value', agoS: 0 });
    await page.waitForFunction(() => document.querySelector('#pd-engine-health [data-role=writes-refused-count]').textContent === '3 call records',
      null, { timeout: 10_000 });
    assert.equal(await writesLine().locator('[data-role=write-error]').textContent(), 'Incorrect string value');

    // Both restarted, link back: nothing to show.
    beat('engine-d');
    beat('engine-e');
    await writesLine().waitFor({ state: 'hidden', timeout: 10_000 });
    await pbxLine().waitFor({ state: 'hidden', timeout: 10_000 });
    assert.equal(await page.evaluate(() => window.pdNotReloaded), true, 'updated in place, not reloaded');
  });
});
