// Browser tests of the admin pages' refusals (issue 13, item 4): a real 404 page
// (also for the code and configuration folders), a form refused for its security
// token - session expired, or older than the login - that explains itself and
// brings back what was typed, and upload / form size limits stated on the form
// and named in the refusal. Real PHP (php -S with admin-php/router.php, small
// limits), real MariaDB, real Chromium.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { artifactsFor, startAdminSession, flashMatching, fieldErrorOf } from '../support/harness.mjs';

describe('admin: not found, refused forms and size limits', { timeout: 150_000 }, () => {
  const artifactsDir = artifactsFor('admin-refusals');
  let db;
  let php;
  let browser;
  let page;
  const url = (p) => `${php.base}/${p}`;
  const shot = (name) => page.screenshot({ path: path.join(artifactsDir, `${name}.png`), fullPage: true });
  const login = async () => {
    await page.fill('#f-username', 'admin');
    await page.fill('#f-password', 'correct-horse-42');
    await page.click('button[type=submit]');
  };

  before(async () => {
    ({ db, php, browser, page } = await startAdminSession('refusals', {
      ini: { upload_max_filesize: '1M', post_max_size: '2M' },
    }));
  });

  after(async () => {
    await browser?.close();
    php?.stop();
    db?.drop();
  });

  it('answers a missing address with its own 404 page, in the layout, with a way back', async () => {
    for (const missing of ['no-such-page.php', 'deep/er/path', 'lib/db.php', 'lib/', 'config/database.php', 'bin/create-admin.php', 'router.php']) {
      const response = await page.goto(url(missing));
      assert.equal(response.status(), 404, missing);
      await page.getByRole('heading', { name: 'Page not found' }).waitFor();
      assert.match(await page.locator('main').textContent(), /There is no page at/, missing);
    }
    await shot('404');
    await page.getByRole('link', { name: 'Go to the dashboard' }).click();
    await page.waitForURL(/index\.php$/);
    // Pages and assets are still served.
    assert.equal((await page.request.get(url('assets/admin.css'))).status(), 200);
    assert.equal((await page.request.get(url(''))).status(), 200);
  });

  it('brings back what was typed when the session expired, after logging in again', async () => {
    await page.goto(url('dispositions.php'));
    await page.fill('#f-name', 'Promised to pay');
    await page.fill('#f-description', 'Customer will pay by Friday');
    // The session ends while the form is open (PHP's session expiry, a restart).
    await page.context().clearCookies();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL(/login\.php\?next=dispositions\.php$/);
    assert.match(await flashMatching(page, /session had expired/), /nothing was saved. Log in again, and what you typed will be back in the form/);
    await shot('refused-expired-session');
    await login();
    await page.waitForURL(/dispositions\.php$/);
    assert.equal(await page.inputValue('#f-name'), 'Promised to pay');
    assert.equal(await page.inputValue('#f-description'), 'Customer will pay by Friday');
    assert.equal(db.value("SELECT COUNT(*) FROM dialer_dispositions WHERE name = 'Promised to pay'"), '0', 'nothing saved yet');
    await page.getByRole('button', { name: 'Save' }).click();
    assert.match(await flashMatching(page, /saved/), /Disposition Promised to pay saved/);
    assert.equal(db.value("SELECT description FROM dialer_dispositions WHERE name = 'Promised to pay'"), 'Customer will pay by Friday');
  });

  it('brings back a form older than the login, on its own page, without its secrets', async () => {
    const id = db.value("SELECT id FROM dialer_dispositions WHERE name = 'Promised to pay'");
    await page.goto(url(`dispositions.php?edit=${id}`));
    await page.fill('#f-description', 'Changed while the login changed');
    // Another tab logs out and in: this form's token is no longer the session's.
    const other = await page.context().newPage();
    await other.goto(url('index.php'));
    await other.getByRole('button', { name: 'Log out' }).click();
    await other.waitForURL(/login\.php/);
    await other.fill('#f-username', 'admin');
    await other.fill('#f-password', 'correct-horse-42');
    await other.click('button[type=submit]');
    await other.waitForURL(/index\.php$/);
    await other.close();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL(new RegExp(`dispositions\\.php\\?edit=${id}$`));
    assert.match(await flashMatching(page, /older than your current login/), /nothing was saved.*check it and send it again/);
    assert.equal(await page.inputValue('#f-description'), 'Changed while the login changed');
    assert.equal(db.value(`SELECT description FROM dialer_dispositions WHERE id = ${id}`), 'Customer will pay by Friday');
    await page.getByRole('button', { name: 'Save' }).click();
    await flashMatching(page, /saved/);
    assert.equal(db.value(`SELECT description FROM dialer_dispositions WHERE id = ${id}`), 'Changed while the login changed');

    // A password is never kept in the session: the login form's user name comes back, the password does not.
    await page.context().clearCookies();
    await page.goto(url('login.php'));
    await page.fill('#f-username', 'admin');
    await page.fill('#f-password', 'correct-horse-42');
    await page.context().clearCookies();
    await page.click('button[type=submit]');
    assert.match(await flashMatching(page, /session had expired/), /passwords and secrets excepted/);
    assert.equal(await page.inputValue('#f-username'), 'admin');
    assert.equal(await page.inputValue('#f-password'), '');
    await login();
    await page.waitForURL(/index\.php$/);
  });

  it('states the upload limit on the form and names it when a file or a form is too large', async () => {
    await page.goto(url('dnc.php'));
    assert.match(await page.locator('#h-file').textContent(), /Files up to 1 MB \(this server's upload limit\)/);
    const numbers = (count) => Array.from({ length: count }, (_, i) => `55501${String(i).padStart(6, '0')}`).join('\n');
    const file = (name, text) => ({ name, mimeType: 'text/plain', buffer: Buffer.from(text) });
    // Over upload_max_filesize (1 MB) but inside post_max_size (2 MB).
    await page.setInputFiles('#f-file', file('big.txt', numbers(120_000)));
    await page.getByRole('button', { name: 'Import' }).click();
    assert.match(await fieldErrorOf(page, 'file'), /larger than this server accepts \(1 MB, PHP upload_max_filesize\)/);
    // Over post_max_size (2 MB): PHP drops the whole form; the refusal names that limit.
    await page.setInputFiles('#f-file', file('huge.txt', numbers(250_000)));
    await page.getByRole('button', { name: 'Import' }).click();
    assert.match(await flashMatching(page, /post_max_size/), /more than this server accepts in one form \(2 MB, PHP post_max_size\), so nothing was saved/);
    await shot('upload-too-large');
    assert.equal(db.value('SELECT COUNT(*) FROM dialer_dnc'), '0');
    // A file inside the limit still imports.
    await page.setInputFiles('#f-file', file('small.txt', numbers(3)));
    await page.getByRole('button', { name: 'Import' }).click();
    await flashMatching(page, /3 numbers on the do-not-call list/);
  });
});
