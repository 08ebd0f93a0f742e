// A personal callback, in Chromium against panelhost + libpaneldialer.so +
// pbx-sim + a scratch database: agent 101 tags a progressive call with the
// "Callback" disposition (a callback) for tomorrow, "Only me"; the number
// waits in state callback for 101. Its time moved to a few seconds ahead (in
// SQL), 101 gets no card before it and, at it, the callback as a preview
// card, though the campaign is progressive; agent 102, logged in and free,
// does not.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { panelRigForSuite, panelScenario, offerDispositionsSql, campaignSql, waitFor } from '../support/harness.mjs';

const NUMBER = '5558001';

const scenario = panelScenario({
  seed: 6,
  queues: ['sales', 'other'],
  agents: { 101: ['sales'], 102: ['other'] },
  contexts: {
    'pd-prog-dest': { type: 'queue', queue: 'sales' },
    'pd-prog-local': { type: 'queue', queue: 'sales' },
    'ext-queues': { type: 'queue', queue: 'sales' },
  },
});

// Tomorrow at 10:00 UTC, as an <input type=datetime-local> value.
function tomorrowAtTen() {
  const d = new Date(Date.now() + 86400000);
  return `${d.toISOString().slice(0, 10)}T10:00`;
}

describe('agent panel: personal callbacks', () => {
  const rig = panelRigForSuite('callbacks', {
    artifacts: 'panel-callbacks',
    scenario,
    agents: { 101: 'agent-101-secret', 102: 'agent-102-secret' },
    seed: `
      INSERT INTO dialer_dispositions (name, is_callback) VALUES ('Sale', 0), ('Callback', 1);
      ${campaignSql('prog', { destination: 'ext-queues,501,1', queue: 'sales', concurrent_calls: 1, wrapup_seconds: 0, time_zone: 'UTC', callback_grace_minutes: 30 })}
      ${offerDispositionsSql(['Sale', 'Callback'])}
      INSERT INTO dialer_numbers (campaign_id, name, number)
        SELECT id, 'Callback Customer', '${NUMBER}' FROM dialer_campaigns WHERE name = 'prog';`,
  });

  it('schedules a callback for the agent, and brings it back to that agent only', async () => {
    const { db } = rig;
    const first = await rig.login('101');
    const { page } = first;
    // The call is taken (the simulator's agent answers) and waits for its tag.
    const item = page.locator(`#pd-pending-list li:has-text("${NUMBER}")`);
    await item.waitFor({ timeout: 90000 });
    await item.locator('button.pd-dispo[data-disposition="Callback"]').click();
    // The form asks for the time in the customer's zone, and for whom.
    const form = item.locator('.pd-callback-form');
    await form.waitFor();
    assert.match(await form.locator('label').first().textContent(), /\(UTC\)/);
    // A time already past is refused with the reason; the call stays listed.
    await form.locator('input.pd-callback-time').fill('2020-01-01T10:00');
    await form.locator('button.pd-callback-save').click();
    await item.locator('.pd-pending-error').waitFor();
    assert.equal(db.value(`SELECT state FROM dialer_numbers WHERE number = '${NUMBER}'`) === 'callback', false);
    const when = tomorrowAtTen();
    await form.locator('input.pd-callback-time').fill(when);
    await form.locator('input.pd-callback-who[value="me"]').check();
    await rig.shot(page, 'callback-form');
    await form.locator('button.pd-callback-save').click();
    await item.waitFor({ state: 'detached' });
    const note = page.locator('#pd-callback-note');
    await note.waitFor({ state: 'visible' });
    assert.equal((await note.textContent()).trim(),
      `Callback scheduled for ${when.replace('T', ' ')} (UTC), for you.`);
    assert.equal(db.value(`SELECT CONCAT(state, ' ', callback_agent, ' ', agent_disposition) FROM dialer_numbers
      WHERE number = '${NUMBER}'`), 'callback 101 Callback');
    assert.equal(db.value(`SELECT DATE_FORMAT(callback_at, '%Y-%m-%dT%H:%i') FROM dialer_numbers
      WHERE number = '${NUMBER}'`), when);

    // Agent 102 logs in too, free, in a queue of its own.
    const second = await rig.login('102');
    // Its time is moved to a few seconds from now, on the engine's clock (the
    // database's NOW(), which the claim compares with): no card before it.
    db.sql(`UPDATE dialer_numbers SET callback_at = NOW(3) + INTERVAL 6 SECOND,
      next_try_at = NOW(3) + INTERVAL 6 SECOND WHERE number = '${NUMBER}'`);
    const card = page.locator('#pd-card');
    await waitFor(async () => {
      // The card is looked at first: one seen before the time is read is early.
      const shown = await card.locator('.pd-dial').count();
      const due = db.value(`SELECT NOW(3) >= callback_at FROM dialer_numbers WHERE number = '${NUMBER}'`) === '1';
      assert.ok(!shown || due, 'the callback card came before its time');
      return due;
    }, 'the callback time');
    // At its time: 101's card (claimed every 5 s).
    await card.locator('.pd-dial').waitFor({ state: 'visible', timeout: 30000 });
    assert.match(await card.textContent(), new RegExp(NUMBER));
    await page.locator('#pd-card-callback').waitFor({ state: 'visible' });
    await rig.shot(page, 'callback-card');
    assert.equal(db.value(`SELECT state FROM dialer_numbers WHERE number = '${NUMBER}'`), 'reserved');
    // 102 saw no card meanwhile (the callback is 101's); a few claim periods pass.
    await waitFor(() => db.value(`SELECT state FROM dialer_numbers WHERE number = '${NUMBER}'`) === 'reserved',
      'the callback stays reserved for 101');
    assert.equal(await second.page.locator('#pd-card-area').isVisible(), false);
    assert.equal(await second.page.locator('#pd-card .pd-dial').count(), 0);
    await rig.shot(second.page, 'other-agent');
    // Dial: placed through the agent's queue interface like a preview call, the customer
    // answers, and the call waits for its tag again.
    await card.locator('.pd-dial').click();
    await page.locator(`#pd-pending-list li:has-text("${NUMBER}")`).waitFor({ timeout: 60000 });
    assert.equal(db.value(`SELECT COUNT(*) FROM dialer_calls WHERE number = '${NUMBER}' AND agent = '101'`), '2');
    assert.deepEqual(first.pageErrors, []);
    assert.deepEqual(second.pageErrors, []);
    await second.context.close();
    await first.context.close();
  });
});
