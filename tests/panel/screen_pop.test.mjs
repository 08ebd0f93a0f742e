// Screen pop and truthful progress in Chromium, against panelhost +
// libpaneldialer.so + pbx-sim + a scratch database:
// - a progressive agent taking calls in a row sees each contact card (name,
//   number, every variable, escaped), the campaign script and the CRM link
//   with URL-encoded values when the queue connects the call; the card stays
//   until the call is tagged and comes back on a reload;
// - a busy preview call never shows "Ringing" or "Connected" and ends "Busy";
// - at every change observed, the status pill and the step bar agree.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { ScratchDatabase, launchBrowser, artifactsFor, startDialerHost } from '../support/harness.mjs';

const artifacts = artifactsFor('panel-screen-pop');
const SECRETS = { 101: 'agent-101-secret', 201: 'agent-201-secret' };
const CRM = 'https://crm.example/contact?phone={NUMBER}&id={VARIABLE:customer_id}&who={NAME}';
const SCRIPT = 'Greet {the customer} <by name>.';
const LEADS = [
  { name: '<b>Ann</b> & Co', number: '5557001', variables: 'customer_id=A&B 1/2|tier=gold|note=<i>VIP</i>' },
  { name: 'Bob Ñúñez', number: '5557002', variables: 'customer_id=C-7?x=1#y|tier=silver' },
  { name: 'Cleo', number: '5557003', variables: 'customer_id=100%|lang=en' },
];
const BUSY = { name: 'Busy Person', number: '5558005' };

const scenario = {
  seed: 11,
  speed: 5,
  users: [{ username: 'dialer', secret: 'dialersecret' }],
  queues: [
    { name: 'sales', strategy: 'rrmemory', ring_timeout_s: 15, retry_s: 1, wait_timeout_s: 120 },
    { name: 'support', strategy: 'rrmemory', ring_timeout_s: 15, retry_s: 1, wait_timeout_s: 120 },
  ],
  agent_defaults: { answer_delay_s: 1, talk_s: [2, 3] },
  agents: [
    { interface: 'Local/101@sim-agents/n', name: 'Agent 101', queues: ['sales'] },
    { interface: 'Local/201@sim-agents/n', name: 'Agent 201', queues: ['support'] },
  ],
  contexts: {
    'sim-customers': { type: 'customers' },
    'sim-agents': { type: 'agents' },
    // The preview helper dials the customer on a Local pair of its own, as a
    // real PBX does (real-behaviours/preview-local-first-busy.jsonl).
    'pd-*-customer': { type: 'customers', dial_context: 'sim-customers', dial_timeout_s: 20 },
    'pd-prog-dest': { type: 'queue', queue: 'sales' },
    'ext-queues': { type: 'queue', queue: 'sales' },
    'ext-support': { type: 'queue', queue: 'support' },
  },
  number_rules: [
    { pattern: '_X.5', outcome: 'busy', after_s: 1 },
    { pattern: '_X.', outcome: 'answer', answer_after_s: 1, talk_s: 3 },
  ],
};

// RFC 3986 percent-encoding, as the engine does it.
const encode = (value) => encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const variablesOf = (lead) => lead.variables.split('|').map((item) => [item.slice(0, item.indexOf('=')), item.slice(item.indexOf('=') + 1)]);
const variableOf = (lead, name) => variablesOf(lead).find(([n]) => n === name)[1];
const crmOf = (lead) => `https://crm.example/contact?phone=${encode(lead.number)}&id=${encode(variableOf(lead, 'customer_id'))}&who=${encode(lead.name)}`;

// Records every state of the desk the agent could see: the pill, the step
// bar and the contact card, each time one of them changed.
function recordDesk() {
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

// The pill and the step bar agree in `state`: while the bar shows a live
// call, the pill names its current step; nothing lit that was not reached;
// in a wrap-up after the call the pill says Wrap-up.
function checkAgreement(states) {
  for (const state of states) {
    if (!state.call) continue;
    const current = state.call.steps.filter((s) => s.state === 'current');
    assert.equal(current.length, 1, `one current step: ${JSON.stringify(state)}`);
    assert.equal(current[0].step, state.call.state, JSON.stringify(state));
    if (state.call.state !== 'ended') assert.equal(state.pill, state.call.state, `pill and steps: ${JSON.stringify(state)}`);
    else assert.ok(!['dialing', 'ringing', 'connected'].includes(state.pill), `an ended call and a call pill: ${JSON.stringify(state)}`);
  }
  // The wrap-up timer shown and no live call: the pill says Wrap-up (never Preview or a call step).
  for (const state of states) {
    if (state.wrapup && (!state.call || state.call.state === 'ended')) {
      assert.equal(state.pill, 'wrapup', `wrap-up timer and pill: ${JSON.stringify(state)}`);
    }
  }
}

describe('agent panel: screen pop and call progress', () => {
  const db = new ScratchDatabase(process.env.PD_MYSQL_DSN || 'mysql://missing@localhost/none', 'screenpop');
  let dir;
  let sim;
  let host;
  let browser;
  let panelUrl;

  before(async () => {
    assert.ok(process.env.PD_MYSQL_DSN, 'PD_MYSQL_DSN must name the test server (scripts/test sets it)');
    db.create();
    // prog: a 1 s wrap-up (else the agent waits in wrap-up for the first tag and
    // cannot take the three calls in a row).
    const sqlText = (s) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
    db.sql(`
      UPDATE dialer_settings SET value = 'sim-customers' WHERE name = 'dial_context';
      INSERT INTO dialer_dispositions (name) VALUES ('Sale'), ('Callback');
      INSERT INTO dialer_campaigns (name, destination_kind, destination, queue_name, mode, initial_leg,
        start_hour, end_hour, week_days, enabled, concurrent_calls, script, crm_url_template, wrapup_seconds)
        VALUES ('prog', 'queue', 'ext-queues,501,1', 'sales', 'progressive', 'remote', '00:00:00', '00:00:00',
          'mon,tue,wed,thu,fri,sat,sun', 0, 1, ${sqlText(SCRIPT)}, ${sqlText(CRM)}, 1);
      INSERT INTO dialer_campaigns (name, destination_kind, destination, queue_name, mode, initial_leg,
        start_hour, end_hour, week_days, enabled, script)
        VALUES ('pv', 'queue', 'ext-support,502,1', 'support', 'preview', 'local', '00:00:00', '00:00:00',
          'mon,tue,wed,thu,fri,sat,sun', 1, 'Preview script.');
      INSERT INTO dialer_campaign_dispositions (campaign_id, disposition_id, direction)
        SELECT c.id, d.id, 'outbound' FROM dialer_campaigns c JOIN dialer_dispositions d
         WHERE d.name IN ('Sale', 'Callback');
      ${LEADS.map((lead, i) => `INSERT INTO dialer_numbers (campaign_id, name, number, variables, priority)
        SELECT id, ${sqlText(lead.name)}, '${lead.number}', ${sqlText(lead.variables)}, ${10 - i} FROM dialer_campaigns WHERE name = 'prog';`).join('\n')}
      INSERT INTO dialer_numbers (campaign_id, name, number, priority)
        SELECT id, '${BUSY.name}', '${BUSY.number}', 1 FROM dialer_campaigns WHERE name = 'pv';`);

    const started = await startDialerHost({
      db, scenario, instance: 'screenpop-test', artifacts,
      agents: Object.entries(SECRETS).map(([extension, secret]) => ({ extension, name: `Agent ${extension}`, secret })),
    });
    ({ dir, sim, host } = started);
    const { panelPort } = started;
    panelUrl = `http://127.0.0.1:${panelPort}/`;
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await host?.stop();
    await sim?.stop();
    db.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function login(extension) {
    const context = await browser.newContext({ viewport: { width: 1100, height: 1000 } });
    const page = await context.newPage();
    const pageErrors = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.addInitScript(recordDesk);
    await page.goto(panelUrl);
    await page.fill('#login-extension', extension);
    await page.fill('#login-secret', SECRETS[extension]);
    await page.click('#login-submit');
    await page.locator('#app').waitFor({ state: 'visible' });
    return { context, page, pageErrors };
  }

  it('a progressive agent sees each contact card, script and CRM link when the queue connects the call', async () => {
    const { context, page, pageErrors } = await login('101');
    await page.locator('#pd-status[data-status="idle"]').waitFor();
    // Dial only now that the desk is watched: every call reaches a recorded panel.
    db.sql("UPDATE dialer_campaigns SET enabled = 1, updated_at = NOW() + INTERVAL 2 SECOND WHERE name = 'prog'");

    // The first call connected: its card, live, beside the step bar.
    const live = page.locator(`#pd-contact[data-live="true"][data-call]`);
    await live.waitFor({ timeout: 60000 });
    await page.screenshot({ path: path.join(artifacts, 'contact-card-live.png'), fullPage: true });
    // The agent takes the three calls in a row without tagging.
    await page.locator('#pd-pending[data-count="3"]').waitFor({ timeout: 90000 });

    const states = await page.evaluate(() => window.__desk);
    for (const lead of LEADS) {
      const shown = states.filter((s) => s.contact && s.contact.live === 'true' && s.contact.number === lead.number);
      assert.ok(shown.length > 0, `a live contact card of ${lead.number}`);
      const card = shown[shown.length - 1].contact;
      assert.equal(card.name, lead.name, 'the name as literal text');
      assert.equal(card.markup, 0, 'no markup from contact data');
      assert.equal(card.dial, 0, 'the preview template without its Dial button');
      assert.deepEqual(card.vars, variablesOf(lead), 'every variable, as written');
      assert.equal(card.crm, crmOf(lead), 'the CRM link, each value URL-encoded');
      assert.equal(card.script, SCRIPT);
      // At the pop the call is connected (AgentConnect), after a ringing that was reported.
      const connected = states.find((s) => s.contact?.number === lead.number && s.contact.live === 'true' && s.call?.state === 'connected');
      assert.ok(connected, `the step bar says connected while ${lead.number} is on the line`);
      assert.equal(connected.pill, 'connected');
    }
    assert.ok(states.some((s) => s.wrapup && s.pill === 'wrapup' && s.call?.state === 'ended'), 'a wrap-up after a call, said by the pill');
    checkAgreement(states);

    // After the calls: the card of the oldest call to tag stays, not live.
    await page.locator(`#pd-contact[data-live="false"][data-call]`).waitFor();
    await page.screenshot({ path: path.join(artifacts, 'contact-card-to-tag.png'), fullPage: true });
    // A reload brings back the cards of the untagged calls.
    await page.reload();
    await page.locator('#pd-pending[data-count="3"]').waitFor({ timeout: 30000 });
    await page.locator('#pd-contact[data-call]').waitFor();
    assert.equal((await page.locator('#pd-contact .pd-number').textContent()).trim(), LEADS[0].number);
    assert.equal(await page.locator('#pd-contact a.pd-crm-link').getAttribute('href'), crmOf(LEADS[0]));
    // The agent picks another call's card from the list, then tags them all: each card goes with its tag.
    const second = page.locator(`#pd-pending-list li:has-text("${LEADS[1].number}")`);
    await second.locator('button.pd-show-contact').click();
    await page.locator(`#pd-contact .pd-number:text-is("${LEADS[1].number}")`).waitFor();
    for (const lead of LEADS) {
      const item = page.locator(`#pd-pending-list li:has-text("${lead.number}")`);
      await item.locator('button.pd-dispo[data-disposition="Sale"]').click();
      await item.waitFor({ state: 'detached' });
    }
    await page.locator('#pd-contact').waitFor({ state: 'hidden' });
    checkAgreement(await page.evaluate(() => window.__desk));
    assert.deepEqual(pageErrors, []);
    await context.close();
  });

  it('a busy preview call never shows Ringing or Connected and ends "Busy"; the pill agrees at each step', async () => {
    const { context, page, pageErrors } = await login('201');
    const card = page.locator('#pd-card');
    await card.locator('.pd-dial').waitFor({ state: 'visible', timeout: 30000 });
    await card.locator('.pd-dial').click();
    await page.locator('#pd-call[data-outcome="busy"]').waitFor({ timeout: 30000 });
    await page.screenshot({ path: path.join(artifacts, 'busy-preview-call.png'), fullPage: true });

    const states = await page.evaluate(() => window.__desk);
    const calls = states.filter((s) => s.call);
    assert.ok(calls.some((s) => s.call.state === 'dialing'), 'dialing was shown');
    for (const state of calls) {
      for (const step of state.call.steps) {
        if (step.step === 'ringing' || step.step === 'connected') {
          assert.ok(!['done', 'current'].includes(step.state), `${step.step} lit for a busy call: ${JSON.stringify(state)}`);
        }
      }
      assert.ok(!/\bBUSY\b/.test(state.call.text), `the raw dial status shown: ${state.call.text}`);
    }
    for (const state of states) assert.ok(!['ringing', 'connected'].includes(state.pill), `pill ${state.pill}`);
    const last = calls[calls.length - 1].call;
    assert.equal(last.state, 'ended');
    assert.deepEqual(last.steps.map((s) => s.state), ['done', 'skipped', 'skipped', 'current']);
    assert.equal(last.steps[3].label, 'Busy');
    assert.match(await page.locator('#pd-call-result').textContent(), /^Result: Busy$/);
    checkAgreement(states);
    // The contact was on screen while dialing and goes with a call that has nothing to tag.
    assert.ok(states.some((s) => s.contact?.number === BUSY.number && s.contact.live === 'true'), 'contact card while dialing');
    await page.locator('#pd-contact').waitFor({ state: 'hidden' });
    assert.equal(await page.locator('#pd-pending').isVisible(), false, 'a busy call is not to tag');
    assert.equal(db.value(`SELECT dial_status FROM dialer_calls WHERE number = '${BUSY.number}'`), 'BUSY');
    assert.deepEqual(pageErrors, []);
    await context.close();
  });
});
