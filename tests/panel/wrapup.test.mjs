// Wrap-up and the agent's controls, in Chromium against panelhost +
// libpaneldialer.so + pbx-sim + a scratch database:
// - a progressive agent stays paused in wrap-up (pbx-sim's QueueStatus shows
//   the member paused with reason "wrap-up") until saving, no new call
//   reaches them meanwhile, then they get the next call;
// - a pause taken during a wrap-up outlives it (not unpaused at the save);
// - pause / unpause with a reason from the panel shows in the queue;
// - the desk shows the queue states and the day's figures; the finished
//   periods are in dialer_agent_events.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  panelRigForSuite, panelScenario, offerDispositionsSql, campaignSql, queueMember, waitForQueueMember as waitForMember, waitFor,
} from '../support/harness.mjs';

const NUMBERS = ['5558001', '5558002', '5558003'];
const AGENT_101 = 'Local/101@sim-agents/n';
const AGENT_102 = 'Local/102@sim-agents/n';

const scenario = panelScenario({
  seed: 11,
  queues: ['sales', 'support'],
  agents: { 101: ['sales'], 102: ['support'] },
  contexts: {
    'pd-prog-dest': { type: 'queue', queue: 'sales' },
    'pd-prog-local': { type: 'queue', queue: 'sales' },
    'ext-queues': { type: 'queue', queue: 'sales' },
  },
});

describe('agent panel: wrap-up and pause', () => {
  const rig = panelRigForSuite('wrapup', {
    artifacts: 'panel-wrapup',
    scenario,
    agents: { 101: 'agent-101-secret', 102: 'agent-102-secret' },
    seed: `
      UPDATE dialer_settings SET value = 'Break, Lunch, Coaching' WHERE name = 'pause_reasons';
      INSERT INTO dialer_dispositions (name) VALUES ('Sale'), ('Callback');
      ${campaignSql('prog', { destination: 'ext-queues,501,1', queue: 'sales', concurrent_calls: 1, wrapup_seconds: 0 })}
      ${offerDispositionsSql(['Sale', 'Callback'])}
      ${NUMBERS.map((number, i) => `INSERT INTO dialer_numbers (campaign_id, name, number, priority)
        SELECT id, 'Contact ${i + 1}', '${number}', ${10 - i} FROM dialer_campaigns WHERE name = 'prog';`).join('\n')}`,
  });

  const login = (extension) => rig.login(extension, { viewport: { width: 1100, height: 900 } });
  const calls = () => Number(rig.db.value("SELECT COUNT(*) FROM dialer_calls WHERE agent = '101'"));
  // The panel's wrap-up timer (counting up) as seconds.
  const timerSeconds = async (page) => {
    const [m, s] = (await page.locator('#pd-wrapup-timer').textContent()).split(':').map(Number);
    return m * 60 + s;
  };

  it('keeps a progressive agent in wrap-up until the save, then sends the next call; a pause outlives the wrap-up', async () => {
    const { context, page, pageErrors } = await login('101');
    // The first call ends: the agent has it to tag and is in wrap-up.
    await page.locator(`#pd-pending-list li:has-text("${NUMBERS[0]}")`).waitFor({ timeout: 90000 });
    await page.locator('#pd-wrapup').waitFor({ state: 'visible' });
    assert.equal(await page.getAttribute('#pd-wrapup', 'data-ends'), 'saved', 'wrapup_seconds 0: until saved');
    await waitForMember(rig.amiPort, 'sales', AGENT_101, true, 'wrap-up', 'the member paused for wrap-up in pbx-sim');
    // The status pill says the wrap-up beside the ended call's steps (desk-view.js).
    await page.locator('#pd-status[data-status="wrapup"]').waitFor();
    assert.equal(await page.textContent('#pd-status'), 'Wrap-up');
    // The step bar, when it shows the call (the panel may open after it), says it ended.
    assert.ok(await page.isHidden('#pd-call') || (await page.getAttribute('#pd-call', 'data-state')) === 'ended');
    await page.locator('#pd-membership li[data-queue="sales"][data-state="paused"]').waitFor();
    assert.equal(await page.textContent('#pd-membership li[data-queue="sales"]'), 'sales: paused (wrap-up)');
    // Time passes in wrap-up (the simulator runs 5x: 3 s here are 15 s of calls):
    // no call reaches the agent, none is placed for them.
    await page.waitForFunction(() => {
      const [m, s] = document.querySelector('#pd-wrapup-timer').textContent.split(':').map(Number);
      return m * 60 + s >= 3;
    }, null, { timeout: 15000 });
    assert.equal(calls(), 1, 'no second call during the wrap-up');
    assert.equal(Number(rig.db.value('SELECT COUNT(*) FROM dialer_calls')), 1);
    assert.equal((await queueMember(rig.amiPort, 'sales', AGENT_101)).PausedReason, 'wrap-up');
    assert.ok(await timerSeconds(page) >= 3);
    await rig.shot(page, 'desk-wrapup');

    // Saving ends the wrap-up: unpaused, and the next call comes.
    await page.locator(`#pd-pending-list li:has-text("${NUMBERS[0]}") button.pd-dispo[data-disposition="Sale"]`).click();
    await page.locator('#pd-wrapup').waitFor({ state: 'hidden' });
    await page.locator(`#pd-pending-list li:has-text("${NUMBERS[1]}")`).waitFor({ timeout: 60000 });
    assert.equal(calls(), 2);
    await page.locator('#pd-wrapup').waitFor({ state: 'visible' });
    await waitForMember(rig.amiPort, 'sales', AGENT_101, true, 'wrap-up', 'paused for the second wrap-up');
    // The first wrap-up ended (saved); the second is recorded as started.
    await waitFor(() => rig.db.value("SELECT COUNT(*) FROM dialer_agent_events WHERE agent = '101'") === '2', 'the second wrap-up recorded');
    assert.deepEqual(rig.db.sql(`SELECT kind, reason, ended_by, ended_at IS NOT NULL FROM dialer_agent_events
      WHERE agent = '101' ORDER BY started_at`), [['wrapup', 'wrap-up', 'saved', '1'], ['wrapup', 'wrap-up', '', '0']]);
    // Today's figures: the first call, its tag, its wrap-up.
    await page.locator('#pd-today[data-calls="2"]').waitFor();
    await waitFor(async () => (await page.textContent('[data-figure="dispositions"]')) === 'Sale 1', 'the tag counted today');

    // The agent pauses for lunch during this wrap-up: the queue shows Lunch.
    await page.selectOption('#pd-pause-reason', 'Lunch');
    await page.click('#pd-pause');
    await waitForMember(rig.amiPort, 'sales', AGENT_101, true, 'Lunch', 'paused for lunch in pbx-sim');
    await page.locator('#pd-pause-state[data-paused="true"]').waitFor();
    assert.equal(await page.textContent('#pd-pause-state'), 'Paused (Lunch)');
    assert.equal(await page.getAttribute('#pd-status', 'data-status'), 'wrapup', 'the wrap-up first while it lasts');
    // Saving ends the wrap-up but not the lunch: still paused, no call.
    await page.locator(`#pd-pending-list li:has-text("${NUMBERS[1]}") button.pd-dispo[data-disposition="Callback"]`).click();
    await page.locator('#pd-wrapup').waitFor({ state: 'hidden' });
    await waitFor(() => rig.db.value("SELECT COUNT(*) FROM dialer_agent_events WHERE agent = '101' AND kind = 'wrapup' AND ended_at IS NOT NULL") === '2',
      'the second wrap-up ended');
    const member = await queueMember(rig.amiPort, 'sales', AGENT_101);
    assert.equal(member.Paused, '1');
    assert.equal(member.PausedReason, 'Lunch', 'the save did not unpause a pause that is not the wrap-up');
    assert.equal(calls(), 2);
    await page.locator('#pd-membership li[data-queue="sales"]:has-text("paused (Lunch)")').waitFor();
    await page.locator('#pd-status[data-status="paused"]').waitFor();
    assert.equal(await page.textContent('#pd-status'), 'Paused (Lunch)', 'the pill says the pause as the controls do');
    await rig.shot(page, 'desk-paused');

    // Unpause: the third call comes.
    await page.click('#pd-unpause');
    await waitForMember(rig.amiPort, 'sales', AGENT_101, false, '', 'unpaused in pbx-sim');
    await page.locator(`#pd-pending-list li:has-text("${NUMBERS[2]}")`).waitFor({ timeout: 60000 });
    assert.equal(calls(), 3);
    await waitFor(() => rig.db.value("SELECT COUNT(*) FROM dialer_agent_events WHERE agent = '101' AND kind = 'pause' AND ended_at IS NOT NULL") === '1',
      'the lunch pause ended');
    assert.deepEqual(rig.db.sql("SELECT reason, ended_by FROM dialer_agent_events WHERE agent = '101' AND kind = 'pause'"), [['Lunch', 'saved']]);
    await page.locator(`#pd-pending-list li:has-text("${NUMBERS[2]}") button.pd-dispo[data-disposition="Sale"]`).click();
    await page.locator('#pd-wrapup').waitFor({ state: 'hidden' });
    await waitForMember(rig.amiPort, 'sales', AGENT_101, false, '', 'unpaused after the last save');
    await page.locator('#pd-today[data-calls="3"]').waitFor();
    await waitFor(async () => (await page.textContent('[data-figure="dispositions"]')) === 'Sale 2, Callback 1', 'the day\'s tags');
    await rig.shot(page, 'desk-today');
    assert.deepEqual(pageErrors, []);
    await context.close();
  });

  it('pauses and unpauses an agent with a reason from the list, shown in the queue', async () => {
    const { context, page, pageErrors } = await login('102');
    await page.locator('#pd-membership li[data-queue="support"][data-state="available"]').waitFor();
    assert.deepEqual(await page.locator('#pd-pause-reason option').allTextContents(), ['Break', 'Lunch', 'Coaching']);
    await page.selectOption('#pd-pause-reason', 'Coaching');
    await page.click('#pd-pause');
    await waitForMember(rig.amiPort, 'support', AGENT_102, true, 'Coaching', 'paused with the reason in pbx-sim');
    await page.locator('#pd-membership li[data-queue="support"]:has-text("support: paused (Coaching)")').waitFor();
    assert.equal(await page.textContent('#pd-status'), 'Paused (Coaching)');
    assert.equal(await page.isHidden('#pd-pause'), true);
    await rig.shot(page, 'pause-coaching');
    await page.click('#pd-unpause');
    await waitForMember(rig.amiPort, 'support', AGENT_102, false, '', 'unpaused in pbx-sim');
    await page.locator('#pd-membership li[data-queue="support"][data-state="available"]').waitFor();
    await page.locator('#pd-pause-state[data-paused="false"]').waitFor();
    await page.locator('#pd-status[data-status="idle"]').waitFor();
    await waitFor(() => rig.db.value("SELECT COUNT(*) FROM dialer_agent_events WHERE agent = '102' AND ended_at IS NOT NULL") === '1', 'the pause recorded');
    assert.deepEqual(rig.db.sql("SELECT kind, reason, ended_at >= started_at FROM dialer_agent_events WHERE agent = '102'"),
      [['pause', 'Coaching', '1']]);
    // A reason not in the list is refused, and nothing is paused.
    await page.evaluate(() => {
      const select = document.querySelector('#pd-pause-reason');
      const option = document.createElement('option');
      option.value = 'Nap';
      option.textContent = 'Nap';
      select.append(option);
      select.value = 'Nap';
    });
    await page.click('#pd-pause');
    await page.locator('#pd-errors li:has-text("is not a pause reason")').waitFor();
    assert.equal((await queueMember(rig.amiPort, 'support', AGENT_102)).Paused, '0');
    assert.deepEqual(pageErrors, []);
    await context.close();
  });
});
