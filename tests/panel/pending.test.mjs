// The calls a progressive agent has yet to tag, in Chromium against panelhost
// + libpaneldialer.so + pbx-sim + a scratch database: several calls in a row
// without tagging are all listed oldest first with their count, each is
// tagged on its own, and the untagged ones are still listed after panelhost
// restarts (they are stored: dialer_pending_dispositions). The campaign's
// wrap-up ends after 1 s, so the calls come without a tag (wrapup.test.mjs
// covers an agent held in wrap-up until the save).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { panelRigForSuite, panelScenario, campaignSql, offerDispositionsSql } from '../support/harness.mjs';

const NUMBERS = ['5557001', '5557002', '5557003'];

const scenario = panelScenario({
  seed: 5,
  queues: ['sales'],
  agents: { 101: ['sales'] },
  contexts: {
    'pd-prog-dest': { type: 'queue', queue: 'sales' },
    'pd-prog-local': { type: 'queue', queue: 'sales' },
    'ext-queues': { type: 'queue', queue: 'sales' },
  },
});

// The numbers of the listed calls, in the panel's order.
async function listedNumbers(page) {
  const items = page.locator('#pd-pending-list .pd-pending-call .pd-pending-who');
  return (await items.allTextContents()).map((text) => text.split(' · ').pop().trim());
}

describe('agent panel: calls to tag', () => {
  const rig = panelRigForSuite('pending', {
    artifacts: 'panel-pending',
    scenario,
    agents: { 101: 'agent-101-secret' },
    seed: `
      INSERT INTO dialer_dispositions (name) VALUES ('Sale'), ('Callback');
      ${campaignSql('prog', { destination: 'ext-queues,501,1', queue: 'sales', concurrent_calls: 1, wrapup_seconds: 1 })}
      ${offerDispositionsSql(['Sale', 'Callback'])}
      ${NUMBERS.map((number, i) => `INSERT INTO dialer_numbers (campaign_id, name, number, priority)
        SELECT id, 'Contact ${i + 1}', '${number}', ${10 - i} FROM dialer_campaigns WHERE name = 'prog';`).join('\n')}`,
  });

  it('lists every untagged call oldest first, tags each, and keeps them over a restart', async () => {
    const { db } = rig;
    const first = await rig.login('101');
    const { page } = first;
    // The agent takes the three calls in a row (the simulator's agent answers) without tagging.
    await page.locator('#pd-pending[data-count="3"]').waitFor({ timeout: 90000 });
    assert.equal((await page.locator('#pd-pending-count').textContent()).trim(), '3 calls to tag');
    assert.deepEqual(await listedNumbers(page), NUMBERS, 'oldest first');
    assert.equal(db.value("SELECT COUNT(*) FROM dialer_pending_dispositions WHERE agent = '101'"), '3');
    await rig.shot(page, 'three-to-tag');

    // Tag the oldest: it leaves the list once saved, and the database has it.
    const oldest = page.locator(`#pd-pending-list li:has-text("${NUMBERS[0]}")`);
    await oldest.locator('button.pd-dispo[data-disposition="Sale"]').click();
    await oldest.waitFor({ state: 'detached' });
    assert.equal((await page.locator('#pd-pending-count').textContent()).trim(), '2 calls to tag');
    assert.equal(db.value(`SELECT agent_disposition FROM dialer_numbers WHERE number = '${NUMBERS[0]}'`), 'Sale');
    assert.equal(db.value(`SELECT agent_disposition FROM dialer_calls WHERE number = '${NUMBERS[0]}'`), 'Sale');
    assert.equal(db.value("SELECT COUNT(*) FROM dialer_pending_dispositions WHERE agent = '101'"), '2');
    assert.deepEqual(first.pageErrors, []);
    await first.context.close();

    // panelhost restarts on the same port: the untagged calls are still there.
    await rig.restartHost('panelhost-2.log');
    const second = await rig.login('101');
    // The two untagged calls, listed again after the restart.
    await second.page.locator('#pd-pending[data-count="2"]').waitFor({ timeout: 30000 });
    assert.deepEqual(await listedNumbers(second.page), NUMBERS.slice(1));
    await rig.shot(second.page, 'after-restart');
    for (const number of NUMBERS.slice(1)) {
      const item = second.page.locator(`#pd-pending-list li:has-text("${number}")`);
      await item.locator('button.pd-dispo[data-disposition="Callback"]').click();
      await item.waitFor({ state: 'detached' });
      assert.equal(db.value(`SELECT agent_disposition FROM dialer_numbers WHERE number = '${number}'`), 'Callback');
    }
    await second.page.locator('#pd-pending').waitFor({ state: 'hidden' });
    assert.equal(db.value("SELECT COUNT(*) FROM dialer_pending_dispositions"), '0');
    assert.deepEqual(second.pageErrors, []);
    await second.context.close();
  });
});
