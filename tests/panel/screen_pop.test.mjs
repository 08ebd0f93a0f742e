// Screen pop and truthful progress in Chromium, against panelhost +
// libpaneldialer.so + pbx-sim + a scratch database:
// - a progressive agent taking calls in a row sees each contact card (name,
//   number, every variable, escaped), the campaign script and the CRM link
//   with URL-encoded values when the queue connects the call; the card stays
//   until the call is tagged and comes back on a reload;
// - a busy preview call never shows "Ringing" or "Connected" and ends "Busy";
// - at every change observed, the status pill and the step bar agree.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  panelRigForSuite, panelScenario, offerDispositionsSql, campaignSql, recordDesk, sqlText,
} from '../support/harness.mjs';

const CRM = 'https://crm.example/contact?phone={NUMBER}&id={VARIABLE:customer_id}&who={NAME}';
const SCRIPT = 'Greet {the customer} <by name>.';
const LEADS = [
  { name: '<b>Ann</b> & Co', number: '5557001', variables: 'customer_id=A&B 1/2|tier=gold|note=<i>VIP</i>' },
  { name: 'Bob Ñúñez', number: '5557002', variables: 'customer_id=C-7?x=1#y|tier=silver' },
  { name: 'Cleo', number: '5557003', variables: 'customer_id=100%|lang=en' },
];
const BUSY = { name: 'Busy Person', number: '5558005' };

const scenario = panelScenario({
  seed: 11,
  queues: ['sales', 'support'],
  agents: { 101: ['sales'], 201: ['support'] },
  contexts: {
    // The preview helper dials the customer on a Local pair of its own, as a
    // real PBX does (real-behaviours/preview-local-first-busy.jsonl).
    'pd-*-customer': { type: 'customers', dial_context: 'sim-customers', dial_timeout_s: 20 },
    'pd-prog-dest': { type: 'queue', queue: 'sales' },
    'ext-queues': { type: 'queue', queue: 'sales' },
    'ext-support': { type: 'queue', queue: 'support' },
  },
  numberRules: [
    { pattern: '_X.5', outcome: 'busy', after_s: 1 },
    { pattern: '_X.', outcome: 'answer', answer_after_s: 1, talk_s: 3 },
  ],
});

// RFC 3986 percent-encoding, as the engine does it.
const encode = (value) => encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const variablesOf = (lead) => lead.variables.split('|').map((item) => [item.slice(0, item.indexOf('=')), item.slice(item.indexOf('=') + 1)]);
const variableOf = (lead, name) => variablesOf(lead).find(([n]) => n === name)[1];
const crmOf = (lead) => `https://crm.example/contact?phone=${encode(lead.number)}&id=${encode(variableOf(lead, 'customer_id'))}&who=${encode(lead.name)}`;

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
  // prog: a 1 s wrap-up (else the agent waits in wrap-up for the first tag and
  // cannot take the three calls in a row).
  const rig = panelRigForSuite('screenpop', {
    artifacts: 'panel-screen-pop',
    scenario,
    agents: { 101: 'agent-101-secret', 201: 'agent-201-secret' },
    seed: `
    INSERT INTO dialer_dispositions (name) VALUES ('Sale'), ('Callback');
    ${campaignSql('prog', { destination: 'ext-queues,501,1', queue: 'sales', enabled: 0, concurrent_calls: 1, script: SCRIPT, crm_url_template: CRM, wrapup_seconds: 1 })}
    ${campaignSql('pv', { destination: 'ext-support,502,1', queue: 'support', mode: 'preview', initialLeg: 'local', script: 'Preview script.' })}
    ${offerDispositionsSql(['Sale', 'Callback'])}
    ${LEADS.map((lead, i) => `INSERT INTO dialer_numbers (campaign_id, name, number, variables, priority)
      SELECT id, ${sqlText(lead.name)}, '${lead.number}', ${sqlText(lead.variables)}, ${10 - i} FROM dialer_campaigns WHERE name = 'prog';`).join('\n')}
    INSERT INTO dialer_numbers (campaign_id, name, number, priority)
      SELECT id, '${BUSY.name}', '${BUSY.number}', 1 FROM dialer_campaigns WHERE name = 'pv';`,
  });

  const login = (extension) => rig.login(extension, { viewport: { width: 1100, height: 1000 }, initScript: recordDesk });

  it('a progressive agent sees each contact card, script and CRM link when the queue connects the call', async () => {
    const { context, page, pageErrors } = await login('101');
    await page.locator('#pd-status[data-status="idle"]').waitFor();
    // Dial only now that the desk is watched: every call reaches a recorded panel.
    rig.db.sql("UPDATE dialer_campaigns SET enabled = 1, updated_at = NOW() + INTERVAL 2 SECOND WHERE name = 'prog'");

    // The first call connected: its card, live, beside the step bar.
    const live = page.locator(`#pd-contact[data-live="true"][data-call]`);
    await live.waitFor({ timeout: 60000 });
    await rig.shot(page, 'contact-card-live');
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
    await rig.shot(page, 'contact-card-to-tag');
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
    await rig.shot(page, 'busy-preview-call');

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
    assert.equal(rig.db.value(`SELECT dial_status FROM dialer_calls WHERE number = '${BUSY.number}'`), 'BUSY');
    assert.deepEqual(pageErrors, []);
    await context.close();
  });
});
