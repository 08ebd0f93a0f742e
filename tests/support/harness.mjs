// Harness of the browser tests (admin pages, agent panel): a scratch database
// on the PD_MYSQL_DSN server, `php -S` serving admin-php/, child processes,
// free ports, headless Chromium via playwright-core, and the agent panel's rig
// (pbx-sim + panelhost with libpaneldialer.so, startPanelRig).
import { spawn, execFileSync } from 'node:child_process';
import {
  readdirSync, readFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync,
} from 'node:fs';
import { connect, createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before } from 'node:test';
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
  const page = await adminLogin(browser, php, user, password, { viewport, context, onPage });
  return { db, php, browser, page };
}

/**
 * A new page of `browser` signed in to the admin pages served by `php` (see
 * startPhp) as `user`, on the dashboard. `onPage(page)` runs before the first
 * page loads.
 */
export async function adminLogin(browser, php, user, password, {
  viewport = { width: 1280, height: 900 }, context = {}, onPage = null,
} = {}) {
  const page = await (await browser.newContext({ viewport, ...context })).newPage();
  if (onPage) onPage(page);
  await page.goto(`${php.base}/login.php`);
  await page.fill('#f-username', user);
  await page.fill('#f-password', password);
  await page.click('button[type=submit]');
  await page.waitForURL(/index\.php$/);
  return page;
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


/** A program of the build: build/bin/<name>. */
export const binPath = (name) => path.join(buildDir, 'bin', name);

/** The secret_hash of panelhost's "agents" list for `secret` (panelhost-hash-secret). */
export function hashSecret(secret) {
  return execFileSync(binPath('panelhost-hash-secret'), [secret], { encoding: 'utf8' }).trim();
}

/** SQL text literal of `s`, quotes and backslashes escaped. */
export const sqlText = (s) => `'${String(s).replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/**
 * A pbx-sim scenario for the panel's rig: the dialer's AMI user; `queues`
 * (names; rrmemory, 15 s ring, 1 s retry, 120 s wait); `agents`
 * ({extension: [queues]}, as Local/<extension>@sim-agents/n); the contexts
 * sim-customers, sim-agents and pd-*-customer, plus `contexts`; customers who
 * answer after 1 s and talk 3 s unless `numberRules` say otherwise.
 */
export function panelScenario({
  seed, speed = 5, queues, agents, contexts = {}, agentDefaults = { answer_delay_s: 1, talk_s: [2, 3] },
  numberRules = [{ pattern: '_X.', outcome: 'answer', answer_after_s: 1, talk_s: 3 }],
}) {
  return {
    seed,
    speed,
    users: [{ username: 'dialer', secret: 'dialersecret' }],
    queues: queues.map((name) => ({ name, strategy: 'rrmemory', ring_timeout_s: 15, retry_s: 1, wait_timeout_s: 120 })),
    agent_defaults: agentDefaults,
    agents: Object.entries(agents).map(([extension, memberOf]) => ({
      interface: `Local/${extension}@sim-agents/n`, name: `Agent ${extension}`, queues: memberOf,
    })),
    contexts: {
      'sim-customers': { type: 'customers' }, 'sim-agents': { type: 'agents' }, 'pd-*-customer': { type: 'customers' }, ...contexts,
    },
    number_rules: numberRules,
  };
}

/** SQL offering the dispositions `names` (by name) to the campaigns named `campaigns` (every campaign when omitted) in `direction`. */
export function offerDispositionsSql(names, { campaigns = null, direction = 'outbound' } = {}) {
  const list = (items) => items.map(sqlText).join(', ');
  return `INSERT INTO dialer_campaign_dispositions (campaign_id, disposition_id, direction)
    SELECT c.id, d.id, '${direction}' FROM dialer_campaigns c JOIN dialer_dispositions d
     WHERE d.name IN (${list(names)})${campaigns ? ` AND c.name IN (${list(campaigns)})` : ''};`;
}

/**
 * SQL adding a campaign on queue `queue` (destination `destination`,
 * "context,exten,priority"), open around the clock every day, in `mode` with
 * `initialLeg`; `columns` ({column: value}) sets more of its columns (numbers
 * as they are, the rest as SQL text).
 */
export function campaignSql(name, {
  destination, queue, mode = 'progressive', initialLeg = 'remote', enabled = 1, ...columns
}) {
  const extra = Object.entries(columns);
  const value = (v) => (typeof v === 'number' ? String(v) : sqlText(v));
  return `INSERT INTO dialer_campaigns (name, destination_kind, destination, queue_name, mode, initial_leg,
      start_hour, end_hour, week_days, enabled${extra.map(([column]) => `, ${column}`).join('')})
    VALUES (${sqlText(name)}, 'queue', ${sqlText(destination)}, ${sqlText(queue)}, ${sqlText(mode)}, ${sqlText(initialLeg)},
      '00:00:00', '00:00:00', 'mon,tue,wed,thu,fri,sat,sun', ${enabled}${extra.map(([, v]) => `, ${value(v)}`).join('')});`;
}

/**
 * The panel's rig for the suite (describe) this is called in: started before
 * its tests (startPanelRig's options), stopped after them. Its fields (db,
 * amiPort, panelUrl, browser, ...) are there once the tests run.
 */
export function panelRigForSuite(name, options) {
  const rig = new PanelRig(name, artifactsFor(options.artifacts), options.agents);
  before(async () => {
    await rig.start(panelDsn(), options.scenario, options.seed ?? '');
  });
  after(async () => {
    await rig.stop();
  });
  return rig;
}

function panelDsn() {
  const dsn = process.env.PD_MYSQL_DSN;
  if (!dsn) throw new Error('PD_MYSQL_DSN must name the test server (scripts/test sets it)');
  return dsn;
}

/**
 * The agent panel's rig: a scratch database (created, migrated, its
 * dial_context set to pbx-sim's sim-customers, then `seed` SQL run on it), pbx-sim playing `scenario`, panelhost with libpaneldialer.so
 * (the plugin's files linked into a temporary plugins folder) and `agents`
 * ({extension: secret}) as its panel accounts, and headless Chromium. Logs go
 * to build/test-artifacts/<artifacts>/ (pbx-sim.log, panelhost.log).
 * `name` names the database, the temporary folder and the engine instance.
 * The rig's stop() closes the browser, stops both programs and drops the
 * database; if the start fails half-way, what was started is stopped.
 */
export async function startPanelRig(name, { artifacts, scenario, agents, seed = '' }) {
  const rig = new PanelRig(name, artifactsFor(artifacts), agents);
  await rig.start(panelDsn(), scenario, seed);
  return rig;
}

class PanelRig {
  constructor(name, artifacts, agents) {
    this.name = name;
    this.artifacts = artifacts;
    this.secrets = agents;
  }

  // If the start fails half-way, what was started is stopped.
  async start(dsn, scenario, seed) {
    try {
      await this.startAll(dsn, scenario, seed);
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  async startAll(dsn, scenario, seed) {
    this.db = new ScratchDatabase(dsn, this.name.replace(/[^A-Za-z0-9_]/g, ''));
    this.db.create();
    // The simulator's customers, whom every scenario has.
    this.db.sql(`UPDATE dialer_settings SET value = 'sim-customers' WHERE name = 'dial_context';\n${seed}`);
    ({ dir: this.dir, config: this.config, amiPort: this.amiPort, panelPort: this.panelPort } = await writeHostFolder({
      dsn: this.db.dsn,
      scenario,
      instance: `${this.name}-test`,
      agents: Object.entries(this.secrets).map(([extension, secret]) => ({ extension, name: `Agent ${extension}`, secret })),
    }));
    this.sim = startChild(binPath('pbx-sim'), ['--scenario', path.join(this.dir, 'scenario.json'), '--port', String(this.amiPort)],
      path.join(this.artifacts, 'pbx-sim.log'));
    await this.startHost('panelhost.log');
    this.panelUrl = `http://127.0.0.1:${this.panelPort}/`;
    this.browser = await launchBrowser();
  }

  async startHost(logName) {
    this.host = startChild(binPath('panelhost'), ['--config', this.config], path.join(this.artifacts, logName));
    await waitForPort(this.panelPort);
  }

  /** panelhost stops and starts again on the same port (its log then saved as `logName`). */
  async restartHost(logName) {
    await this.host.stop();
    await this.startHost(logName);
  }

  /**
   * A new browser context logged in to the panel as `extension`, the panel
   * shown. `initScript` runs in the page before the panel's own scripts.
   * Returns { context, page, pageErrors }.
   */
  async login(extension, { viewport = null, initScript = null } = {}) {
    const context = await this.browser.newContext(viewport ? { viewport } : {});
    const page = await context.newPage();
    const pageErrors = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    if (initScript) await page.addInitScript(initScript);
    await page.goto(this.panelUrl);
    await page.fill('#login-extension', extension);
    await page.fill('#login-secret', this.secrets[extension]);
    await page.click('#login-submit');
    await page.locator('#app').waitFor({ state: 'visible' });
    return { context, page, pageErrors };
  }

  /** A screenshot of `page` saved as <artifacts>/<name>.png. */
  shot(page, name) {
    return page.screenshot({ path: path.join(this.artifacts, `${name}.png`), fullPage: true });
  }

  async stop() {
    const { browser, host, sim, db, dir } = this;
    Object.assign(this, { browser: null, host: null, sim: null, db: null, dir: null });
    await browser?.close();
    await host?.stop();
    await sim?.stop();
    db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Sends AMI actions (`Action: …` blocks, each ending in a blank line, after a
 * login as the scenarios' dialer user) to pbx-sim on `port`; resolves with
 * everything received once `until` matches it.
 */
export function amiExchange(port, actions, until) {
  return new Promise((resolve, reject) => {
    let text = '';
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(`Action: Login\r\nActionID: login\r\nUsername: dialer\r\nSecret: dialersecret\r\n\r\n${actions}`);
    });
    socket.on('data', (chunk) => {
      text += chunk;
      if (!until.test(text)) return;
      socket.end();
      resolve(text);
    });
    socket.on('error', reject);
  });
}

/** The member `iface` of `queue` as pbx-sim's QueueStatus lists it ({ Paused, PausedReason, ... }), or null. */
export async function queueMember(port, queue, iface) {
  const text = await amiExchange(port, `Action: QueueStatus\r\nActionID: qs\r\nQueue: ${queue}\r\nMember: ${iface}\r\n\r\n`,
    /Event: QueueStatusComplete\r\nActionID: qs\r\n/);
  const block = text.split('\r\n\r\n').find((b) => b.startsWith('Event: QueueMember\r\n') && b.includes(`Location: ${iface}`));
  if (!block) return null;
  return Object.fromEntries(block.split('\r\n').map((line) => {
    const colon = line.indexOf(': ');
    return colon < 0 ? [line.replace(/:$/, ''), ''] : [line.slice(0, colon), line.slice(colon + 2)];
  }));
}

/** Waits until pbx-sim shows `iface` in `queue` paused (or not) with `reason` ('' when not paused). */
export async function waitForQueueMember(port, queue, iface, paused, reason, what) {
  await waitFor(async () => {
    const m = await queueMember(port, queue, iface);
    return m && m.Paused === (paused ? '1' : '0') && m.PausedReason === reason;
  }, what);
}

/**
 * For page.addInitScript: records in window.__desk every state of the agent's
 * desk that changed (the status pill, the step bar, the contact card, the
 * wrap-up timer shown, the calls listed to tag).
 */
export function recordDesk() {
  window.__desk = [];
  const snapshot = () => {
    const pill = document.querySelector('#pd-status');
    const call = document.querySelector('#pd-call');
    const contact = document.querySelector('#pd-contact');
    if (!pill || !call || !contact) return;
    const text = (root, selector) => root.querySelector(selector)?.textContent.trim() ?? null;
    const wrapup = document.querySelector('#pd-wrapup');
    const state = {
      pill: pill.dataset.status || '',
      pillText: pill.textContent.trim(),
      wrapup: Boolean(wrapup && !wrapup.hidden),  // controls.js's wrap-up timer shown
      pending: [...document.querySelectorAll('#pd-pending-list li.pd-pending-call')].map((li) => li.dataset.call),
      call: call.hidden ? null : {
        state: call.dataset.state,
        outcome: call.dataset.outcome || '',
        steps: [...call.querySelectorAll('#pd-call-steps li')].map((li) => ({ step: li.dataset.step, state: li.dataset.state, label: li.textContent })),
        text: call.textContent,
      },
      contact: contact.hidden ? null : {
        call: contact.dataset.call,
        live: contact.dataset.live,
        name: text(contact, '.pd-name'),
        number: text(contact, '.pd-number'),
        markup: contact.querySelectorAll('.pd-contact-card b, .pd-contact-card i, .pd-contact-vars i').length,
        vars: [...contact.querySelectorAll('.pd-contact-var')].map((row) => [text(row, 'dt'), text(row, 'dd')]),
        crm: contact.querySelector('a.pd-crm-link')?.getAttribute('href') ?? null,
        dial: contact.querySelectorAll('.pd-dial').length,
        script: text(contact, '.pd-contact-script'),
      },
    };
    const json = JSON.stringify(state);
    if (window.__desk.length === 0 || JSON.stringify(window.__desk[window.__desk.length - 1]) !== json) window.__desk.push(state);
  };
  new MutationObserver(snapshot).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
}

/** RFC 4180 rows (quoted cells, doubled quotes, CRLF or LF). */
export function parseCsv(text) {
  const rows = [];
  let row = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (ch === '"') quoted = false; else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(cell); cell = ''; } else if (ch === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; } else if (ch !== '\r') cell += ch;
  }
  if (cell !== '' || row.length) { row.push(cell); rows.push(row); }
  return rows;
}

/** Submits the list filter (#pd-filter) and waits for the page it loads. */
export async function submitFilter(page) {
  await Promise.all([page.waitForLoadState('load'), page.waitForNavigation(), page.click('#pd-filter button[type=submit]')]);
}

/** Clicks a CSV export link: the file's suggested name and its rows (parseCsv). The context must accept downloads. */
export async function downloadCsv(page, selector) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  return { name: file.suggestedFilename(), rows: parseCsv(readFileSync(await file.path(), 'utf8')) };
}

/**
 * An onPage hook (startAdminSession) that collects the page's script errors
 * and console errors (a CSP violation is one) into `errors`, each with its page's address.
 */
export function collectPageErrors(errors) {
  return (p) => {
    p.on('console', (message) => { if (message.type() === 'error') errors.push(`${p.url()}: ${message.text()}`); });
    p.on('pageerror', (error) => errors.push(`${p.url()}: ${error.message}`));
  };
}

/**
 * A temporary folder for pbx-sim and panelhost: `scenario.json`, a plugins
 * folder linking libpaneldialer.so from the build and the plugin's files from
 * the source tree, and `host.json` on two free ports. `agents`:
 * [{extension, name, secret}] (hashed here); `hostConfig`: more host config
 * keys (e.g. api). Returns {dir, config, amiPort, panelPort}.
 */
export async function writeHostFolder({ dsn, scenario, instance, agents = [], hostConfig = {} }) {
  const dir = mkdtempSync(path.join(os.tmpdir(), `pd-${instance}-`));
  writeFileSync(path.join(dir, 'scenario.json'), JSON.stringify(scenario));
  const plugin = path.join(dir, 'plugins', 'paneldialer');
  mkdirSync(plugin, { recursive: true });
  symlinkSync(path.join(buildDir, 'lib', 'libpaneldialer.so'), path.join(plugin, 'libpaneldialer.so'));
  for (const [link, target] of [['manifest.json', 'manifest.json'], ['templates', 'templates'],
    ['sql', 'sql'], ['web', 'plugin/web']]) {
    symlinkSync(path.join(repoRoot, target), path.join(plugin, link));
  }
  const amiPort = await freePort();
  const panelPort = await freePort();
  const config = path.join(dir, 'host.json');
  writeFileSync(config, JSON.stringify({
    ami: { host: '127.0.0.1', port: amiPort, user: 'dialer', secret: 'dialersecret' },
    plugins_dir: 'plugins',
    panel: { listen: `127.0.0.1:${panelPort}` },
    log_level: 'debug',
    agents: agents.map(({ extension, name, secret }) => ({ extension, name, secret_hash: hashSecret(secret) })),
    plugins: { paneldialer: { mysql_dsn: dsn, instance_id: instance,
      extensions_conf: path.join(dir, 'extensions_custom.conf') } },
    ...hostConfig,
  }));
  return { dir, config, amiPort, panelPort };
}

/**
 * pbx-sim with `scenario` and panelhost with libpaneldialer.so
 * (writeHostFolder) on free ports. Resolves once the panel port answers, with
 * {dir, base, amiPort, panelPort, sim, host}; logs go to `artifacts`.
 */
export async function startDialerHost({ db, scenario, instance, artifacts, agents = [], hostConfig = {} }) {
  const { dir, config, amiPort, panelPort } = await writeHostFolder({ dsn: db.dsn, scenario, instance, agents, hostConfig });
  const sim = startChild(binPath('pbx-sim'), ['--scenario', path.join(dir, 'scenario.json'), '--port', String(amiPort)],
    path.join(artifacts, 'pbx-sim.log'));
  const host = startChild(binPath('panelhost'), ['--config', config], path.join(artifacts, 'panelhost.log'));
  await waitForPort(panelPort);
  return { dir, base: `http://127.0.0.1:${panelPort}`, amiPort, panelPort, sim, host };
}
