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
    db.sql("UPDATE dialer_settings SET value = '10' WHERE name = 'calls_per_second'");
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

  // Migration 0014: calls handed to panelhost that wait behind its AMI rate
  // cap (ami.rate) are shown apart from the live ones, and a cap below the
  // calls-per-second setting is said (docs/rates.md).
  it('shows calls queued behind panelhost\'s rate cap, and a cap that cannot carry the setting', async () => {
    db.sql("UPDATE dialer_settings SET value = '200' WHERE name = 'calls_per_second'");
    db.sql(`DELETE FROM dialer_campaigns WHERE name = 'queued_probe'`);
    db.sql(`INSERT INTO dialer_campaigns (name, destination, queue_name) VALUES ('queued_probe', 'ext-queues,1,1', '1')`);
    const queuedBeat = (calls) => db.sql(
      `INSERT INTO dialer_heartbeat (instance, version, started_at, last_beat, ami_up, calls_queued, ami_queued, ami_rate, cps_ceiling)
         VALUES ('engine-q', '0.1.0', UTC_TIMESTAMP(3), UTC_TIMESTAMP(3), 1, ${calls}, ${2 * calls}, 100, 50)
       ON DUPLICATE KEY UPDATE last_beat = VALUES(last_beat), calls_queued = VALUES(calls_queued)`);
    queuedBeat(12);
    db.sql(`INSERT INTO dialer_campaign_status (campaign_id, instance, open_now, seconds_left_today, live_calls, queued_calls, updated_at)
              SELECT id, 'engine-q', 1, 3600, 3, 12, UTC_TIMESTAMP(3) FROM dialer_campaigns WHERE name = 'queued_probe'
            ON DUPLICATE KEY UPDATE queued_calls = VALUES(queued_calls), updated_at = VALUES(updated_at)`);
    await page.goto(url('index.php'));
    const queuedLine = page.locator('#pd-engine-health [data-role=calls-queued]');
    const note = page.locator('#pd-engine-health [data-role=rate-note]');
    assert.equal(await queuedLine.isVisible(), true);
    assert.equal(await queuedLine.getAttribute('role'), 'status');
    assert.equal((await queuedLine.textContent()).trim(),
      '12 calls queued in panelhost behind its AMI rate cap (ami.rate 100 a second): not dialed yet, not counted as live');
    assert.equal(await note.isVisible(), true);
    assert.equal((await note.textContent()).trim(),
      "Calls per second is set to 200, but panelhost's AMI rate cap (ami.rate 100 actions a second, 2 a call) carries about 50 calls a second: raise ami.rate in panelhost's configuration, or lower the setting.");
    const card = page.locator('section.card', { hasText: 'queued_probe' });
    assert.equal(await card.locator('[data-role=queued-calls]').isVisible(), true);
    assert.equal(await card.locator('[data-role=queued-calls]').textContent(), '12');
    await shot('dashboard-calls-queued');
    // The Settings page's field says what the cap carries.
    await page.goto(url('settings.php'));
    assert.match(await page.textContent('#pd-dialer-settings'),
      /panelhost caps AMI actions at 100 a second \(ami\.rate\), about 50 calls a second; above that calls wait queued in panelhost\./);
    await page.goto(url('index.php'));

    // The queue drains and the setting comes within the cap: both lines go, without a reload.
    await page.evaluate(() => { window.pdNotReloaded = true; });
    queuedBeat(0);
    db.sql("UPDATE dialer_campaign_status SET queued_calls = 0, updated_at = UTC_TIMESTAMP(3) WHERE instance = 'engine-q'");
    db.sql("UPDATE dialer_settings SET value = '40' WHERE name = 'calls_per_second'");
    await queuedLine.waitFor({ state: 'hidden', timeout: 10_000 });
    await note.waitFor({ state: 'hidden', timeout: 10_000 });
    await card.locator('[data-role=queued-calls]').waitFor({ state: 'hidden', timeout: 10_000 });
    assert.equal(await page.evaluate(() => window.pdNotReloaded), true, 'updated in place, not reloaded');
    db.sql(`DELETE FROM dialer_campaigns WHERE name = 'queued_probe'`);
  });
  it('shows on the Settings page which extensions file each running engine writes (migration 0016)', async () => {
    db.sql("UPDATE dialer_settings SET value = '/etc/asterisk/extensions_custom.conf' WHERE name = 'extensions_conf'");
    const engine = (instance, writes, file, agoS = 0) => db.sql(
      `INSERT INTO dialer_heartbeat (instance, version, started_at, last_beat, ami_up, writes_dialplan, extensions_conf)
         VALUES ('${instance}', '0.1.0', UTC_TIMESTAMP(3), UTC_TIMESTAMP(3) - INTERVAL ${agoS} SECOND, 1, ${writes}, ${file === null ? 'NULL' : `'${file}'`})`);
    await page.goto(url('settings.php'));
    assert.equal(await page.locator('#pd-extensions-in-use').count(), 0, 'no engine running: nothing said');
    engine('engine-demo', 1, '/srv/demo/.run/extensions_custom.conf');
    engine('engine-main', 1, '/etc/asterisk/extensions_custom.conf');
    engine('engine-pbx', 0, null);
    engine('engine-gone', 1, '/tmp/old.conf', 3600);
    await page.goto(url('settings.php'));
    const notes = (await page.locator('#pd-extensions-in-use').innerText()).split('\n').map((line) => line.trim());
    assert.deepEqual(notes, [
      "Engine engine-demo writes them to /srv/demo/.run/extensions_custom.conf: panelhost's plugin config overrides this setting.",
      'Engine engine-main writes them to this file.',
      "Engine engine-pbx does not write the helper contexts (write_dialplan is off in panelhost's plugin config).",
    ]);
    await shot('settings-extensions-in-use');
  });
});
