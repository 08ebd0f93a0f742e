// Browser tests of the rules the admin pages share with the engine
// (admin-php/lib/validate.php, tests/data/validation-cases.json) and of the
// CSV import's handling of messy files. Real PHP, real MariaDB, real Chromium.
// Each test makes its own campaign or group, so any one of them runs alone.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { artifactsFor, startAdminSession, flashMatching, fieldErrorOf } from '../support/harness.mjs';

const NUMBER_RULE = 'Number: a phone number is 1 to 32 digits, optionally starting with + (also * and #; spaces, dashes, dots and parentheses are removed).';
const UNCLOSED = 'unclosed quote: a field opened with " is not closed on this line (fields may not go on over lines); the line is skipped.';

describe('admin rules shared with the engine', { timeout: 120_000 }, () => {
  const artifactsDir = artifactsFor('admin-rules');
  let db;
  let php;
  let browser;
  let page;

  const url = (p) => `${php.base}/${p}`;
  const shot = (name) => page.screenshot({ path: path.join(artifactsDir, `${name}.png`), fullPage: true });
  // The error shown next to a field once the page the submit led to has it.
  const fieldError = (name) => fieldErrorOf(page, name);
  const flash = (pattern) => flashMatching(page, pattern);

  before(async () => {
    ({ db, php, browser, page } = await startAdminSession('rules', { logName: 'php-rules.log' }));
  });

  after(async () => {
    await browser?.close();
    php?.stop();
    db?.drop();
  });

  it('refuses a + in the dial prefix and a destination the engine would refuse, naming the field', async () => {
    await page.goto(url('campaigns.php?edit=new'));
    await page.fill('#f-name', 'rules_prefix');
    await page.selectOption('#f-destination_kind', 'ivr');
    await page.selectOption('#f-mode', 'automatic');
    await page.fill('#f-destination', 'ivr-3,s,0');
    await page.fill('#f-dial_prefix', '+34');
    await page.fill('#f-caller_id', 'ñ'.repeat(41));
    await page.click('button:has-text("Save campaign")');
    assert.equal(await fieldError('dial_prefix'),
      'Dial prefix: + is not allowed in a prefix (the engine would refuse every call); use digits, * and # only, or put the + in the numbers.');
    assert.equal(await fieldError('destination'),
      'Destination: the priority (after the second comma) is a number from 1 to 99999 or a label of letters, digits and _.');
    assert.equal(await fieldError('caller_id'), 'Caller id is longer than 80 bytes (letters such as é take 2).');
    assert.equal(await page.inputValue('#f-dial_prefix'), '+34', 'the value is kept for correcting');
    assert.equal(db.value("SELECT COUNT(*) FROM dialer_campaigns WHERE name = 'rules_prefix'"), '0', 'nothing saved');
    await shot('campaign-prefix-refused');

    await page.fill('#f-dial_prefix', '00');
    await page.fill('#f-destination', 'ivr-3,s,1');
    await page.fill('#f-caller_id', 'Peña <5551000>');
    await page.click('button:has-text("Save campaign")');
    assert.match(await flash(/Campaign rules_prefix saved/), /Campaign rules_prefix saved/);
    assert.deepEqual(db.sql("SELECT dial_prefix, destination, caller_id FROM dialer_campaigns WHERE name = 'rules_prefix'"),
      [['00', 'ivr-3,s,1', 'Peña <5551000>']]);
  });

  it('refuses variables the engine would refuse, with the reason, and stores a punctuated number normalised', async () => {
    const cases = [
      ['a=1,b=2', 'Variables: the value of a may not contain a comma, " or \\ (Asterisk splits the value on them).'],
      ['lang=en|PD_CALLID=x', 'Variables: the name PD_CALLID is reserved for the dialer (names starting with PD_).'],
      ['__PD_CAMPAIGN=9', 'Variables: the name __PD_CAMPAIGN is reserved for the dialer (names starting with PD_).'],
      ['1a=2', 'Variables: a name is 1 to 64 letters, digits or _, not starting with a digit (e.g. lang=en).'],
      ['note="hi"', 'Variables: the value of note may not contain a comma, " or \\ (Asterisk splits the value on them).'],
      ['a=1||b=2', 'Variables: write name=value pairs separated by |, e.g. a=1|b=2 (names: letters, digits, _).'],
    ];
    for (const [variables, message] of cases) {
      await page.goto(url('groups.php'));
      await page.fill('#f-group_name', 'rules_vars');
      await page.fill('#f-number', '5550100');
      await page.fill('#f-variables', variables);
      await page.click('#pd-add-contact button[type=submit]');
      assert.equal(await fieldError('variables'), message, variables);
      assert.equal(await page.inputValue('#f-variables'), variables, 'the value is kept for correcting');
    }
    assert.equal(db.value("SELECT COUNT(*) FROM dialer_contacts WHERE group_name = 'rules_vars'"), '0', 'nothing saved');
    await shot('contact-variables-refused');

    await page.fill('#f-number', '+1 (555) 010-0000');
    await page.fill('#f-variables', 'lang=en|city=Málaga');
    await page.click('#pd-add-contact button[type=submit]');
    assert.match(await flash(/Contact \+15550100000 added to rules_vars/), /Contact \+15550100000 added to rules_vars\./);
    assert.deepEqual(db.sql("SELECT number, variables FROM dialer_contacts WHERE group_name = 'rules_vars'"), [['+15550100000', 'lang=en|city=Málaga']]);

    await page.fill('#f-group_name', 'rules_vars');
    await page.fill('#f-number', '555-01-0x');
    await page.click('#pd-add-contact button[type=submit]');
    assert.equal(await fieldError('number'), NUMBER_RULE);
  });

  it('imports a Windows-1252 CSV with an unclosed quote, duplicates and punctuated numbers, reporting each', async () => {
    // Already in the group before the import: line 11 repeats it.
    db.sql("INSERT INTO dialer_contacts (group_name, name, number) VALUES ('rules_csv', 'Earlier', '5550056')");
    const lines = [
      'group,name,number,callerid,variables', //          1 header
      'rules_csv,José Peña,555-0051,,', //                  2 added, normalised
      'rules_csv,"Unclosed,5550052,,', //                   3 bad: unclosed quote
      'rules_csv,Ann,(555) 0053,,', //                      4 added, normalised (read although line 3 never closed its quote)
      'rules_csv,Bob,555 0050,,', //                        5 added, normalised
      'rules_csv,Again José,5550051,,', //                  6 duplicate of line 2
      'rules_csv,Carl,555.0054,,', //                       7 added, normalised
      'rules_csv,Ann again,555-0053,,', //                  8 duplicate of line 4 once normalised
      'rules_csv,Bad,555-00x5,,', //                        9 bad number
      'rules_csv,Zoë O’Neil,5550055,,city=Málaga', //      10 added; ’ is 0x92 in Windows-1252, not in Latin-1
      'rules_csv,Earlier again,(555)0056,,', //            11 duplicate of the contact already there
    ];
    const text = `${lines.join('\r\n')}\r\n`;
    const bytes = Buffer.from(text.replace(/’/g, '\x92'), 'latin1');
    assert.equal(bytes.includes(Buffer.from('é')), false, 'the file is really not UTF-8');
    await page.goto(url('groups.php'));
    await page.setInputFiles('#f-csv', { name: 'latin1.csv', mimeType: 'text/csv', buffer: bytes });
    await page.click('#pd-import button[type=submit]');
    await page.waitForSelector('#pd-import-status[data-done="1"]', { timeout: 30_000 });
    assert.equal(await page.textContent('#pd-import-status'),
      'Import finished: 11 lines read, 5 contacts added, 2 bad lines.'
      + ' The file is not UTF-8: it was read as Windows-1252 (Latin-1).'
      + ' 3 duplicate numbers skipped (already in their group): lines 6, 8, 11.'
      + ' 4 of the numbers added had spaces, dashes, dots or parentheses removed.'
      + ' See the group: rules_csv');
    assert.deepEqual(await page.locator('#pd-import-errors li').allTextContents(), [`Line 3: ${UNCLOSED}`, `Line 9: ${NUMBER_RULE}`]);
    await shot('import-messy-csv');
    assert.deepEqual(db.sql("SELECT name, number, variables FROM dialer_contacts WHERE group_name = 'rules_csv' ORDER BY number"), [
      ['Bob', '5550050', ''],
      ['José Peña', '5550051', ''],
      ['Ann', '5550053', ''],
      ['Carl', '5550054', ''],
      ['Zoë O’Neil', '5550055', 'city=Málaga'],
      ['Earlier', '5550056', ''],
    ]);
  });

  it('finds a duplicate in a later chunk of a large file and lists the first ten lines of many', async () => {
    // 2,000 rows a chunk: line 2101 repeats line 2 (punctuated), read in the first chunk and stored by then.
    const lines = ['group,name,number'];
    for (let line = 2; line <= 2101; line++) lines.push(`rules_chunks,Person ${line},${line === 2101 ? '556-0002' : 5_560_000 + line}`);
    await page.goto(url('groups.php'));
    await page.setInputFiles('#f-csv', { name: 'chunks.csv', mimeType: 'text/csv', buffer: Buffer.from(lines.join('\n')) });
    await page.click('#pd-import button[type=submit]');
    await page.waitForSelector('#pd-import-status[data-done="1"]', { timeout: 30_000 });
    assert.equal(await page.textContent('#pd-import-status'), 'Import finished: 2101 lines read, 2099 contacts added, 0 bad lines.'
      + ' 1 duplicate number skipped (already in their group): line 2101. See the group: rules_chunks');
    assert.equal(db.value("SELECT COUNT(*) FROM dialer_contacts WHERE group_name = 'rules_chunks' AND number = '5560002'"), '1');

    // Twelve repeats of one number: all counted, the first ten lines listed.
    const repeats = ['rules_many,First,5570000'];
    for (let i = 0; i < 12; i++) repeats.push(`rules_many,Again ${i},557-0000`);
    await page.goto(url('groups.php'));
    await page.setInputFiles('#f-csv', { name: 'repeats.csv', mimeType: 'text/csv', buffer: Buffer.from(repeats.join('\n')) });
    await page.click('#pd-import button[type=submit]');
    await page.waitForSelector('#pd-import-status[data-done="1"]', { timeout: 30_000 });
    assert.equal(await page.textContent('#pd-import-status'), 'Import finished: 13 lines read, 1 contacts added, 0 bad lines.'
      + ' 12 duplicate numbers skipped (already in their group): lines 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 and 2 more.'
      + ' See the group: rules_many');
  });

  it('stores a do-not-call number as the contacts store it, so a punctuated entry still matches', async () => {
    await page.goto(url('dnc.php'));
    await page.fill('#f-number', '(555) 019-9999');
    await page.click('#pd-dnc-add button[type=submit]');
    assert.match(await flash(/1 numbers on the do-not-call list/), /1 numbers on the do-not-call list/);
    assert.equal(db.value("SELECT COUNT(*) FROM dialer_dnc WHERE number = '5550199999'"), '1');
  });

  it('says nothing about encoding, duplicates or punctuation when the file has none', async () => {
    await page.goto(url('groups.php'));
    await page.setInputFiles('#f-csv', { name: 'clean.csv', mimeType: 'text/csv',
      buffer: Buffer.from('\uFEFFrules_clean,Zoë,5550061\nrules_clean,"Doe, Jane",5550062,,lang=en\n') });
    await page.click('#pd-import button[type=submit]');
    await page.waitForSelector('#pd-import-status[data-done="1"]', { timeout: 30_000 });
    assert.equal(await page.textContent('#pd-import-status'), 'Import finished: 2 lines read, 2 contacts added, 0 bad lines. See the group: rules_clean');
    assert.deepEqual(db.sql("SELECT name FROM dialer_contacts WHERE group_name = 'rules_clean' ORDER BY number"), [['Zoë'], ['Doe, Jane']]);
  });
});
