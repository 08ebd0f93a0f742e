// Browser tests of a number's own time zone on the admin side: the CSV import's
// time_zone column (and a header naming columns in another order), the contact
// form, the zone copied into a campaign's numbers, and the Numbers page showing
// it beside the engine's refusal (pd::core::may_dial, "the number's time zone
// 'X' is unknown"). Real PHP, real MariaDB, real Chromium. Each test makes its
// own group and campaign, so any one of them runs alone.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { artifactsFor, startAdminSession, flashMatching, fieldErrorOf } from '../support/harness.mjs';

const zoneError = (shown) => `Time zone: ${shown} is not a known time zone; write an IANA name such as Europe/Madrid or America/New_York`
  + " (letter case matters); leave it empty for the campaign's zone.";

describe('admin: a number\'s own time zone', { timeout: 120_000 }, () => {
  const artifactsDir = artifactsFor('admin-time-zones');
  let db;
  let php;
  let browser;
  let page;

  const url = (p) => `${php.base}/${p}`;
  const shot = (name) => page.screenshot({ path: path.join(artifactsDir, `${name}.png`), fullPage: true });
  const fieldError = (name) => fieldErrorOf(page, name);
  const flash = (pattern) => flashMatching(page, pattern);
  const importCsv = async (name, text) => {
    await page.goto(url('groups.php'));
    await page.setInputFiles('#f-csv', { name, mimeType: 'text/csv', buffer: Buffer.from(text) });
    await page.click('#pd-import button[type=submit]');
    await page.waitForSelector('#pd-import-status[data-done="1"]', { timeout: 30_000 });
    return {
      status: await page.textContent('#pd-import-status'),
      errors: await page.locator('#pd-import-errors li').allTextContents(),
    };
  };
  // The cells of a table's rows under the named headers, row by row.
  const columns = async (table, names) => {
    const headers = (await page.locator(`${table} thead th`).allTextContents()).map((h) => h.trim());
    for (const name of names) assert.ok(headers.includes(name), `a "${name}" column (headers: ${headers.join(', ')})`);
    const rows = await page.locator(`${table} tbody tr`).evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((td) => td.textContent.trim())));
    return rows.map((cells) => names.map((name) => cells[headers.indexOf(name)]));
  };

  before(async () => {
    ({ db, php, browser, page } = await startAdminSession('zones', { logName: 'php-time-zones.log' }));
  });

  after(async () => {
    await browser?.close();
    php?.stop();
    db?.drop();
  });

  it('imports a time_zone column and reports a bad zone at its line, naming the value', async () => {
    const lines = [
      'group,name,number,callerid,variables,time_zone', //         1 header
      'tz_import,Ana,5550701,,,Europe/Madrid', //                    2 added
      'tz_import,Ben,5550702,,,', //                                 3 added, no zone of its own
      'tz_import,Martian,5550703,,,Mars/Base', //                    4 bad zone
      'tz_import,Cy,5550704,,lang=es, America/Argentina/Buenos_Aires ', // 5 added, spaces trimmed
      'tz_import,Di,5550705,,,europe/madrid', //                     6 bad zone: letter case matters
      'tz_import,Ed,5550706', //                                     7 added: the trailing fields may be left out
      'tz_import,Fay,5550707,,,UTC,extra', //                        8 bad: seven fields
    ];
    const { status, errors } = await importCsv('zones.csv', `${lines.join('\n')}\n`);
    assert.equal(status, 'Import finished: 8 lines read, 4 contacts added, 3 bad lines. See the group: tz_import');
    assert.deepEqual(errors, [
      `Line 4: ${zoneError("'Mars/Base'")}`,
      `Line 6: ${zoneError("'europe/madrid'")}`,
      'Line 8: expected 3 to 6 fields (group,name,number,callerid,variables,time_zone), found 7.',
    ]);
    await shot('import-time-zones');
    assert.deepEqual(db.sql("SELECT name, number, variables, IFNULL(time_zone, 'NULL') FROM dialer_contacts WHERE group_name = 'tz_import' ORDER BY number"), [
      ['Ana', '5550701', '', 'Europe/Madrid'],
      ['Ben', '5550702', '', 'NULL'],
      ['Cy', '5550704', 'lang=es', 'America/Argentina/Buenos_Aires'],
      ['Ed', '5550706', '', 'NULL'],
    ]);

    await page.click('#pd-import-status a:has-text("tz_import")');
    await page.waitForURL(/group=tz_import/);
    assert.deepEqual(await columns('#pd-contacts', ['Number', 'Time zone']), [
      ['5550701', 'Europe/Madrid'],
      ['5550702', "campaign's"],
      ['5550704', 'America/Argentina/Buenos_Aires'],
      ['5550706', "campaign's"],
    ]);
  });

  it('takes the column order from a header row, and stops at a header column it does not know', async () => {
    // A spreadsheet's own order and names, blank columns at the end.
    const ordered = await importCsv('ordered.csv', '\uFEFFNumber,Time Zone,Group,Name,,\r\n555-0711,Asia/Tokyo,tz_header,Hana,,\r\n5550712,,tz_header,Ivo,,\r\n');
    assert.equal(ordered.status, 'Import finished: 3 lines read, 2 contacts added, 0 bad lines.'
      + ' 1 of the numbers added had spaces, dashes, dots or parentheses removed. See the group: tz_header');
    assert.deepEqual(db.sql("SELECT name, number, IFNULL(time_zone, 'NULL') FROM dialer_contacts WHERE group_name = 'tz_header' ORDER BY number"), [
      ['Hana', '5550711', 'Asia/Tokyo'],
      ['Ivo', '5550712', 'NULL'],
    ]);

    // "phone2" would be read as some other field: nothing is imported, and line 1 says why.
    const refused = await importCsv('unknown-column.csv', 'group,name,number,phone2\ntz_refused,Jo,5550721,5550722\n');
    assert.equal(refused.status, 'Import finished: 1 lines read, 0 contacts added, 1 bad lines.');
    assert.deepEqual(refused.errors, ["Line 1: the header names a column 'phone2' the import does not know"
      + ' (known: group, name, number, callerid, variables, time_zone); nothing is imported: rename or remove that column and import the file again.']);
    assert.equal(db.value("SELECT COUNT(*) FROM dialer_contacts WHERE group_name = 'tz_refused'"), '0');
  });

  it('sets a contact\'s zone in the contact form, refusing an unknown one next to the field', async () => {
    await page.goto(url('groups.php'));
    await page.fill('#f-group_name', 'tz_form');
    await page.fill('#f-number', '5550731');
    await page.fill('#f-time_zone', 'Mars/Base');
    await page.click('#pd-add-contact button[type=submit]');
    assert.equal(await fieldError('time_zone'), zoneError("'Mars/Base'"));
    assert.equal(await page.inputValue('#f-time_zone'), 'Mars/Base', 'the value is kept for correcting');
    assert.equal(db.value("SELECT COUNT(*) FROM dialer_contacts WHERE group_name = 'tz_form'"), '0', 'nothing saved');

    await page.fill('#f-time_zone', 'Australia/Sydney');
    await page.click('#pd-add-contact button[type=submit]');
    assert.match(await flash(/Contact 5550731 added to tz_form/), /Contact 5550731 added to tz_form\./);
    assert.equal(db.value("SELECT time_zone FROM dialer_contacts WHERE group_name = 'tz_form'"), 'Australia/Sydney');

    // Edit: emptied, the contact follows the campaign's zone again (NULL, not '').
    await page.click('a:has-text("Edit 5550731")');
    await page.waitForSelector('#pd-edit-contact');
    assert.equal(await page.inputValue('#f-time_zone'), 'Australia/Sydney');
    await page.fill('#f-time_zone', '');
    await page.click('#pd-edit-contact button[type=submit]');
    assert.match(await flash(/Contact 5550731 saved/), /Contact 5550731 saved/);
    assert.equal(db.value("SELECT IFNULL(time_zone, 'NULL') FROM dialer_contacts WHERE group_name = 'tz_form'"), 'NULL');
  });

  it('copies each contact\'s zone into the campaign\'s numbers, and the Numbers page shows it and the engine\'s refusal', async () => {
    db.sql(`INSERT INTO dialer_campaigns (name, destination, queue_name, time_zone, enabled) VALUES ('tz_campaign', 'ext-queues,610,1', '610', 'Europe/Madrid', 0);
            INSERT INTO dialer_contacts (group_name, name, number, time_zone) VALUES
              ('tz_copy', 'Tokyo', '5550741', 'Asia/Tokyo'),
              ('tz_copy', 'Local', '5550742', NULL),
              ('tz_copy', 'Lima', '5550743', 'America/Lima');`);
    await page.goto(url('groups.php?group=tz_copy'));
    await page.selectOption('#gc-f-group', 'tz_copy');
    await page.selectOption('#gc-f-campaign_id', { label: 'tz_campaign' });
    await page.click('#pd-to-campaign button[type=submit]');
    assert.match(await flash(/3 added/), /3 added, 0 duplicates, 0 skipped \(do-not-call\)/);
    assert.deepEqual(db.sql(`SELECT n.number, IFNULL(n.time_zone, 'NULL') FROM dialer_numbers n JOIN dialer_campaigns c ON c.id = n.campaign_id
                             WHERE c.name = 'tz_campaign' ORDER BY n.number`), [
      ['5550741', 'Asia/Tokyo'],
      ['5550742', 'NULL'],
      ['5550743', 'America/Lima'],
    ]);

    // What the engine's dial gate writes for a zone it cannot load (a zone set
    // by hand in the database, or one the engine host lacks): failed, with the reason.
    const reason = "the number's time zone 'America/Lima' is unknown";
    db.sql(`UPDATE dialer_numbers SET state = 'failed', disposition = 'Refused', last_error = '${reason.replaceAll("'", "''")}' WHERE number = '5550743'`);
    await page.goto(url('numbers.php'));
    await page.selectOption('#f-campaign', { label: 'tz_campaign' });
    await page.click('#pd-filter button[type=submit]');
    await page.waitForURL(/numbers\.php\?campaign=\d+/);
    assert.deepEqual(await columns('#pd-numbers', ['Number', 'Time zone', 'State', 'Last error']), [
      ['5550743', 'America/Lima', 'failed', reason],
      ['5550742', "campaign's", 'pending', ''],
      ['5550741', 'Asia/Tokyo', 'pending', ''],
    ]);
    await shot('numbers-time-zones');
  });
});
