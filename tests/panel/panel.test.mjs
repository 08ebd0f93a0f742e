// The agent panel in Chromium, against panelhost + libpaneldialer.so + pbx-sim
// + a scratch database: login, the preview card (escaped), Dial, the call,
// the disposition prompt, Skip, a wrong secret.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  panelRigForSuite, panelScenario, offerDispositionsSql, campaignSql, amiExchange, waitFor,
} from '../support/harness.mjs';

const SECRET = 'agent-201-secret';

const scenario = panelScenario({
  seed: 3,
  queues: ['support'],
  agents: { 201: ['support'] },
  agentDefaults: { answer_delay_s: 1, talk_s: [3, 4] },
  contexts: {
    'inbound-support': { type: 'queue', queue: 'support' },
    'ext-queues': { type: 'queue', queue: 'support' },
  },
  numberRules: [{ pattern: '_X.', outcome: 'answer', answer_after_s: 2, talk_s: 4 }],
});

describe('agent panel', () => {
  const rig = panelRigForSuite('panel', {
    artifacts: 'panel',
    scenario,
    agents: { 201: SECRET },
    seed: `
    INSERT INTO dialer_dispositions (name) VALUES ('Sale'), ('Callback'), ('Support request');
    ${campaignSql('pv', { destination: 'ext-queues,501,1', queue: 'support', mode: 'preview', initialLeg: 'local', script: 'Ask for the account holder.' })}
    ${offerDispositionsSql(['Sale', 'Callback'], { campaigns: ['pv'] })}
    -- A campaign named as the queue: its inbound dispositions tag the queue's inbound calls.
    ${campaignSql('support', { destination: 'ext-queues,501,1', queue: 'support', enabled: 0 })}
    ${offerDispositionsSql(['Support request', 'Callback'], { campaigns: ['support'], direction: 'inbound' })}
    INSERT INTO dialer_numbers (campaign_id, name, number, variables, priority)
      SELECT id, '<b>Bob</b> & Co', '5556000', 'note=VIP', 3 FROM dialer_campaigns WHERE name = 'pv';
    INSERT INTO dialer_numbers (campaign_id, name, number, priority)
      SELECT id, 'Second Lead', '5556010', 2 FROM dialer_campaigns WHERE name = 'pv';
    INSERT INTO dialer_numbers (campaign_id, name, number, priority)
      SELECT id, 'Third Lead', '5556020', 1 FROM dialer_campaigns WHERE name = 'pv';`,
  });

  it('refuses a wrong secret with a clear message', async () => {
    const page = await rig.browser.newPage();
    await page.goto(rig.panelUrl);
    await page.fill('#login-extension', '201');
    await page.fill('#login-secret', 'not-the-secret');
    await page.click('#login-submit');
    await page.locator('#login-error').waitFor({ state: 'visible' });
    assert.match(await page.locator('#login-error').textContent(), /wrong secret/i);
    assert.equal(await page.locator('#app').isVisible(), false);
    await page.screenshot({ path: `${rig.artifacts}/login-refused.png` });
    await page.close();
  });

  it('shows the card, dials once, asks for a disposition and stores it; Skip moves on', async () => {
    const { context, page, pageErrors } = await rig.login('201');  // tabs of one agent share its cookie

    // The card: the name as literal text, never markup.
    const card = page.locator('#pd-card');
    await card.locator('.pd-dial').waitFor({ state: 'visible', timeout: 30000 });
    assert.equal((await card.locator('.pd-name').textContent()).trim(), '<b>Bob</b> & Co');
    assert.equal(await card.locator('b').count(), 0);
    assert.equal((await card.locator('.pd-number').textContent()).trim(), '5556000');
    assert.equal((await page.locator('#pd-script').textContent()).trim(), 'Ask for the account holder.');
    await rig.shot(page, 'preview-card');

    // A second tab of the same agent gets the same card; closing it leaves the first working.
    const second = await page.context().newPage();
    await second.goto(rig.panelUrl);
    await second.locator('#pd-card .pd-name').waitFor({ state: 'visible', timeout: 15000 });
    assert.equal((await second.locator('#pd-card .pd-name').textContent()).trim(), '<b>Bob</b> & Co');
    await second.close();

    // Two quick clicks place one call.
    await card.locator('.pd-dial').dblclick();
    await page.locator('#pd-call').waitFor({ state: 'visible' });
    await page.locator('#pd-pending').waitFor({ state: 'visible', timeout: 30000 });
    await rig.shot(page, 'disposition-prompt');
    assert.equal((await page.locator('#pd-pending-count').textContent()).trim(), '1 call to tag');
    const options = await page.locator('#pd-pending-list button.pd-dispo').allTextContents();
    assert.ok(options.includes('Sale') && options.includes('Callback'), `options: ${options}`);
    await page.click('#pd-pending-list button.pd-dispo[data-disposition="Sale"]');
    await page.locator('#pd-pending').waitFor({ state: 'hidden' });

    await waitFor(() => rig.db.value("SELECT agent_disposition FROM dialer_numbers WHERE number = '5556000'") === 'Sale',
      'the disposition on the number');
    assert.equal(rig.db.value("SELECT agent_disposition FROM dialer_calls WHERE number = '5556000'"), 'Sale');
    assert.equal(rig.db.value("SELECT COUNT(*) FROM dialer_calls WHERE number = '5556000'"), '1');
    assert.equal(rig.db.value("SELECT dial_status FROM dialer_calls WHERE number = '5556000'"), 'ANSWER');
    assert.equal(rig.db.value("SELECT agent FROM dialer_calls WHERE number = '5556000'"), '201');
    assert.equal(rig.db.value("SELECT state FROM dialer_numbers WHERE number = '5556000'"), 'done');

    // The next card; Skip → close the lead; the third one follows.
    await waitFor(async () => (await card.locator('.pd-name').textContent().catch(() => '')).trim() === 'Second Lead',
      'the second card', 30000);
    await page.click('#pd-skip');
    await page.click('#pd-skip-close');
    await waitFor(async () => (await card.locator('.pd-name').textContent().catch(() => '')).trim() === 'Third Lead',
      'the third card', 30000);
    assert.equal(rig.db.value("SELECT state FROM dialer_numbers WHERE number = '5556010'"), 'closed');
    assert.equal(rig.db.value("SELECT COUNT(*) FROM dialer_calls WHERE number = '5556010'"), '0');
    await rig.shot(page, 'next-card');
    assert.deepEqual(pageErrors, []);
    await context.close();
  });

  it('asks for the inbound dispositions after a queue call of a campaign-named queue', async () => {
    // Its own login: this test does not depend on what an earlier one left open.
    const { context, page } = await rig.login('201');
    // A customer calls in: the simulator puts the call into queue "support".
    // Leave once the Originate is queued (its own reply), not after a guessed delay.
    await amiExchange(rig.amiPort, 'Action: Originate\r\nActionID: in-call\r\nChannel: Local/5559999@sim-customers\r\nContext: inbound-support\r\n' +
      'Exten: s\r\nPriority: 1\r\nAsync: true\r\nCallerID: "Caller" <5559999>\r\nChannelId: inbound-test-1\r\n\r\n',
    /Response: Success\r\nActionID: in-call\r\n/);
    await page.locator('#pd-pending').waitFor({ state: 'visible', timeout: 30000 });
    const options = await page.locator('#pd-pending-list button.pd-dispo').allTextContents();
    assert.ok(options.includes('Support request'), `options: ${options}`);
    assert.ok(!options.includes('Sale'), `inbound options, not the outbound ones: ${options}`);
    // Screen pop: what is known of an inbound caller, kept with the call to tag.
    const contact = page.locator('#pd-contact[data-direction="inbound"]');
    await contact.waitFor();
    assert.equal((await contact.locator('.pd-number').textContent()).trim(), '5559999');
    assert.equal(await contact.locator('.pd-contact-script').count(), 0, 'no script for this campaign');
    await rig.shot(page, 'inbound-disposition');
    await page.click('#pd-pending-list button.pd-dispo[data-disposition="Support request"]');
    await page.locator('#pd-pending').waitFor({ state: 'hidden' });
    await page.locator('#pd-contact').waitFor({ state: 'hidden' });
    await waitFor(() => rig.db.value("SELECT agent_disposition FROM dialer_calls WHERE direction = 'inbound'") === 'Support request',
      'the inbound call row');
    assert.equal(rig.db.value("SELECT number FROM dialer_calls WHERE direction = 'inbound'"), '5559999');
    assert.equal(rig.db.value("SELECT agent FROM dialer_calls WHERE direction = 'inbound'"), '201');
    await context.close();
  });
});
