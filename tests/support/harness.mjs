// Harness of the browser tests (admin pages, agent panel): a scratch database
// on the PD_MYSQL_DSN server, `php -S` serving admin-php/, child processes,
// free ports, and headless Chromium via playwright-core.
import { spawn, execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const buildDir = process.env.PD_BUILD || path.join(repoRoot, 'build');
/** Where a suite saves its screenshots and logs: build/test-artifacts/<suite>. */
export function artifactsFor(suite) {
  const dir = path.join(buildDir, 'test-artifacts', suite);
  mkdirSync(dir, { recursive: true });
  return dir;
}
export const artifactsDir = artifactsFor('admin');

/** mysql://user:pass@host:port/db or mysql://user:pass@localhost/db?socket=/path */
export function parseDsn(dsn) {
  const url = new URL(dsn);
  if (url.protocol !== 'mysql:') throw new Error(`PD_MYSQL_DSN is not a mysql:// URL: ${dsn}`);
  return {
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    host: url.hostname || 'localhost',
    port: url.port || '3306',
    database: url.pathname.replace(/^\//, ''),
    socket: url.searchParams.get('socket') || '',
  };
}

function formatDsn(server, database) {
  const auth = `${encodeURIComponent(server.user)}:${encodeURIComponent(server.password)}`;
  return server.socket
    ? `mysql://${auth}@localhost/${database}?socket=${encodeURIComponent(server.socket)}`
    : `mysql://${auth}@${server.host}:${server.port}/${database}`;
}

/** A database of its own on the shared server, so this test runs beside others. */
export class ScratchDatabase {
  constructor(dsn, suite = 'admin') {
    this.server = parseDsn(dsn);
    this.name = `paneldialer_${suite}_${process.pid}_${Date.now().toString(36)}`;
    this.dsn = formatDsn(this.server, this.name);
  }

  client(database, input, extra = []) {
    const s = this.server;
    const where = s.socket ? [`--socket=${s.socket}`] : ['--protocol=tcp', `--host=${s.host}`, `--port=${s.port}`];
    return execFileSync('mariadb', [...where, `--user=${s.user}`, '--batch', '--skip-column-names', ...extra, ...(database ? [database] : [])], {
      input, env: { ...process.env, MYSQL_PWD: s.password }, encoding: 'utf8', maxBuffer: 64 << 20,
    });
  }

  create() {
    this.client('', `CREATE DATABASE \`${this.name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    const migrations = path.join(repoRoot, 'sql', 'migrations');
    // Recorded as the plugin's migrator records them, so a plugin started on
    // this database finds its schema current.
    this.client(this.name, `CREATE TABLE dialer_schema_version (version INT UNSIGNED NOT NULL PRIMARY KEY,
      name VARCHAR(190) NOT NULL, applied_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP) ENGINE=InnoDB`);
    for (const file of readdirSync(migrations).filter((f) => /^\d{4}_.*\.sql$/.test(f)).sort()) {
      this.client(this.name, readFileSync(path.join(migrations, file), 'utf8'));
      this.client(this.name, `INSERT INTO dialer_schema_version (version, name) VALUES (${Number(file.slice(0, 4))}, '${file}')`);
    }
  }

  drop() {
    this.client('', `DROP DATABASE IF EXISTS \`${this.name}\``);
  }

  /** Runs SQL; returns the rows of the last statement as arrays of strings. */
  sql(statements) {
    const out = this.client(this.name, `SET time_zone = '+00:00';\n${statements}`);
    return out.split('\n').filter((line) => line !== '').map((line) => line.split('\t'));
  }

  value(query) {
    const rows = this.sql(query);
    return rows.length ? rows[0][0] : null;
  }
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * `php -S` on a free loopback port; resolves when it answers. `env` overrides
 * the server's environment (e.g. PD_MYSQL_DSN: '' for a first-setup server);
 * `ini` adds PHP settings (e.g. { upload_max_filesize: '1M' }). It runs with
 * admin-php/router.php, as scripts/run does. Its log is saved as build/test-artifacts/admin/<logName> when it stops.
 */
export async function startPhp(dsn, { env = {}, ini = {}, logName = 'php.log' } = {}) {
  const port = await freePort();
  const iniArgs = Object.entries(ini).flatMap(([name, value]) => ['-d', `${name}=${value}`]);
  const child = spawn('php', [...iniArgs, '-S', `127.0.0.1:${port}`, '-t', path.join(repoRoot, 'admin-php'),
    path.join(repoRoot, 'admin-php', 'router.php')], {
    env: {
      ...process.env, PD_MYSQL_DSN: dsn, PD_AMPORTAL_CONF: '/nonexistent', PD_FREEPBX_CONF: '/nonexistent',
      PD_ADMIN_CONFIG: '/nonexistent/database.php', ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr.on('data', (chunk) => { log += chunk; });
  const base = `http://127.0.0.1:${port}`;
  const stop = () => {
    child.kill('SIGTERM');
    mkdirSync(artifactsDir, { recursive: true });
    writeFileSync(path.join(artifactsDir, logName), log);
  };
  try {
    await waitFor(async () => {
      try {
        await fetch(`${base}/asset.php?f=none`);
        return true;
      } catch {
        return false;
      }
    }, 'php -S', 5000);
  } catch {
    child.kill('SIGTERM');
    throw new Error(`php -S did not start: ${log}`);
  }
  return { base, child, log: () => log, stop };
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.PD_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

export function createAdmin(dsn, user, password) {
  execFileSync('php', [path.join(repoRoot, 'admin-php', 'bin', 'create-admin.php'), user, password], {
    env: { ...process.env, PD_MYSQL_DSN: dsn }, encoding: 'utf8',
  });
}

/**
 * An admin signed in on a scratch database of its own: the database (created
 * and migrated), an admin account, the PHP server and a Chromium page logged
 * in. The caller closes the browser, stops PHP and drops the database.
 * `name` names the database; `onPage(page)` runs before the first page loads
 * (e.g. to collect console errors).
 */
export async function startAdminSession(name, {
  logName = `php-${name}.log`, viewport = { width: 1280, height: 900 }, context = {}, onPage = null,
  user = 'admin', password = 'correct-horse-42', ini = {},
} = {}) {
  const dsn = process.env.PD_MYSQL_DSN;
  if (!dsn) throw new Error('PD_MYSQL_DSN must name the MariaDB server (scripts/test sets it)');
  const db = new ScratchDatabase(dsn, name);
  db.create();
  createAdmin(db.dsn, user, password);
  const php = await startPhp(db.dsn, { logName, ini });
  const browser = await launchBrowser();
  const page = await (await browser.newContext({ viewport, ...context })).newPage();
  if (onPage) onPage(page);
  await page.goto(`${php.base}/login.php`);
  await page.fill('#f-username', user);
  await page.fill('#f-password', password);
  await page.click('button[type=submit]');
  await page.waitForURL(/index\.php$/);
  return { db, php, browser, page };
}

/**
 * A child process whose output is kept and saved to `logFile` when it stops.
 * stop() sends SIGTERM and resolves once the process has exited (a restart
 * on the same port may follow at once).
 */
export function startChild(command, args, logFile) {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (chunk) => { log += chunk; });
  child.stderr.on('data', (chunk) => { log += chunk; });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  return {
    child,
    log: () => log,
    async stop() {
      child.kill('SIGTERM');
      await exited;
      mkdirSync(path.dirname(logFile), { recursive: true });
      writeFileSync(logFile, log);
    },
  };
}

/**
 * Waits until `condition()` (sync or async) is true, asking again every
 * 100 ms, for what nothing announces (a database row, a port opening); fails
 * naming `what` after `timeoutMs`. In a page, wait on a locator instead.
 */
export async function waitFor(condition, what, timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Waits until an HTTP server answers on 127.0.0.1:`port`. */
export async function waitForPort(port) {
  await waitFor(async () => {
    try {
      await fetch(`http://127.0.0.1:${port}/`);
      return true;
    } catch {
      return false;
    }
  }, `port ${port}`);
}

/** The page's status messages, joined with " | ", once one of them matches `pattern`. */
export async function flashMatching(page, pattern) {
  await page.waitForFunction((source) => [...document.querySelectorAll('.alert[role=status]')].some((e) => new RegExp(source).test(e.textContent)),
    pattern.source);
  return page.locator('.alert[role=status]').allTextContents().then((all) => all.join(' | '));
}

/** The error shown next to the form field `name`, once the page has it. */
export async function fieldErrorOf(page, name) {
  const locator = page.locator(`#e-${name}`);
  await locator.waitFor();
  return (await locator.textContent()).trim();
}

/**
 * pbx-sim with `scenario` and panelhost with libpaneldialer.so (a plugins
 * folder of links into the build and the source tree) on free ports, in a
 * fresh temporary folder. `agents`: [{extension, name, secret}] (hashed
 * here); `hostConfig`: more host config keys (e.g. api). Resolves once the
 * panel port answers, with {dir, base, amiPort, panelPort, sim, host,
 * restartHost(logName)}; logs go to `artifacts`.
 */
export async function startDialerHost({ db, scenario, instance, artifacts, agents = [], hostConfig = {} }) {
  const bin = (name) => path.join(buildDir, 'bin', name);
  const dir = mkdtempSync(path.join(os.tmpdir(), `pd-${instance}-`));
  writeFileSync(path.join(dir, 'scenario.json'), JSON.stringify(scenario));
  const plugin = path.join(dir, 'plugins', 'paneldialer');
  mkdirSync(plugin, { recursive: true });
  symlinkSync(path.join(buildDir, 'lib', 'libpaneldialer.so'), path.join(plugin, 'libpaneldialer.so'));
  for (const [name, target] of [['manifest.json', 'manifest.json'], ['templates', 'templates'],
    ['sql', 'sql'], ['web', 'plugin/web']]) {
    symlinkSync(path.join(repoRoot, target), path.join(plugin, name));
  }
  const amiPort = await freePort();
  const panelPort = await freePort();
  writeFileSync(path.join(dir, 'host.json'), JSON.stringify({
    ami: { host: '127.0.0.1', port: amiPort, user: 'dialer', secret: 'dialersecret' },
    plugins_dir: 'plugins',
    panel: { listen: `127.0.0.1:${panelPort}` },
    log_level: 'debug',
    agents: agents.map(({ extension, name, secret }) => ({
      extension, name, secret_hash: execFileSync(bin('panelhost-hash-secret'), [secret], { encoding: 'utf8' }).trim(),
    })),
    plugins: { paneldialer: { mysql_dsn: db.dsn, instance_id: instance,
      extensions_conf: path.join(dir, 'extensions_custom.conf') } },
    ...hostConfig,
  }));
  const sim = startChild(bin('pbx-sim'), ['--scenario', path.join(dir, 'scenario.json'), '--port', String(amiPort)],
    path.join(artifacts, 'pbx-sim.log'));
  const host = startChild(bin('panelhost'), ['--config', path.join(dir, 'host.json')], path.join(artifacts, 'panelhost.log'));
  await waitForPort(panelPort);
  return { dir, base: `http://127.0.0.1:${panelPort}`, amiPort, panelPort, sim, host };
}
