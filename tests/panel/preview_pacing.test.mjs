// Preview pacing in Chromium, against panelhost + libpaneldialer.so + pbx-sim
// + a scratch database (issue 11, item 7):
// - one lead is reserved per agent who can see a card, not the hopper;
// - a lead added later with a higher priority is the next card;
// - a lead put on the do-not-call list while its card is on screen is
//   withdrawn at once, with the reason, and never dialed.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { panelRigForSuite, panelScenario, campaignSql, waitFor } from '../support/harness.mjs';

const scenario = panelScenario({
  seed: 7,
  queues: ['support', 'billing'],
  agents: { 201: ['support'], 202: ['billing'] },
  contexts: {
    'ext-support': { type: 'queue', queue: 'support' },
    'ext-billing': { type: 'queue', queue: 'billing' },
  },
});

// One preview campaign per queue (so per agent), each with its own leads.
const campaign = (name, queue, exten) => campaignSql(name, {
  destination: `ext-${queue},${exten},1`, queue, mode: 'preview', initialLeg: 'local',
});
const lead = (campaignName, name, number, priority) => `
  INSERT INTO dialer_numbers (campaign_id, name, number, priority)
    SELECT id, '${name}', '${number}', ${priority} FROM dialer_campaigns WHERE name = '${campaignName}';`;

const seed = `
  ${campaign('pv_priority', 'support', 601)}
  ${campaign('pv_dnc', 'billing', 602)}
  ${Array.from({ length: 20 }, (_, i) => lead('pv_priority', `Lead ${i + 1}`, String(5561000 + i), 10 - (i % 3))).join('')}
  ${lead('pv_dnc', 'Do Not Call Me', '5562001', 10)}
  ${lead('pv_dnc', 'Next Customer', '5562002', 5)}`;

describe('agent panel: preview pacing', () => {
  const rig = panelRigForSuite('previewpacing', {
    artifacts: 'panel-preview-pacing',
    scenario,
    agents: { 201: 'agent-201-secret', 202: 'agent-202-secret' },
    seed,
  });

  const cardName = async (page) => (await page.locator('#pd-card .pd-name').textContent().catch(() => '')).trim();
  const reserved = (campaignName) => rig.db.value(`SELECT COUNT(*) FROM dialer_numbers n JOIN dialer_campaigns c ON c.id = n.campaign_id
    WHERE c.name = '${campaignName}' AND n.state = 'reserved'`);

  it('reserves one lead for the one agent, and a lead added later with a higher priority is the next card', async () => {
    const { db } = rig;
    const { context, page, pageErrors } = await rig.login('201');
    await page.locator('#pd-card .pd-dial').waitFor({ state: 'visible', timeout: 30000 });
    const first = await cardName(page);
    assert.match(first, /^Lead \d+$/);
    // 20 leads waiting, one agent: one reserved, a few claim periods on.
    await waitFor(() => db.value("SELECT COUNT(*) FROM dialer_numbers WHERE state = 'reserved' AND number LIKE '55610%'") === '1'
      && db.value(`SELECT COUNT(*) FROM dialer_numbers WHERE state = 'pending' AND number LIKE '55610%'`) === '19', 'one lead reserved');
    assert.equal(reserved('pv_priority'), '1');

    // An urgent lead comes in behind the card on screen; the agent sends the card back.
    db.sql(lead('pv_priority', 'Urgent Lead', '5561999', 1000));
    await page.click('#pd-skip');
    await page.click('#pd-skip-return');
    await waitFor(async () => (await cardName(page)) === 'Urgent Lead', 'the urgent lead as the next card', 30000);
    assert.equal((await page.locator('#pd-card .pd-number').textContent()).trim(), '5561999');
    assert.equal(reserved('pv_priority'), '1', 'still one lead reserved');
    assert.equal(db.value(`SELECT state FROM dialer_numbers WHERE name = '${first}' AND number LIKE '55610%'`), 'pending', 'the first card back in the list');
    await rig.shot(page, 'urgent-lead-next');
    assert.deepEqual(pageErrors, []);
    await context.close();
  });

  it("withdraws a card whose number is put on the do-not-call list, with the reason, and never dials it", async () => {
    const { db } = rig;
    const { context, page, pageErrors } = await rig.login('202');
    await waitFor(async () => (await cardName(page)) === 'Do Not Call Me', 'the card of 5562001', 30000);
    await rig.shot(page, 'card-before-dnc');
    db.sql("INSERT INTO dialer_dnc (number, reason) VALUES ('5562001', 'asked on another call')");
    // Withdrawn at the next look at the shown cards (every 3 s), with the reason said.
    await page.locator('#pd-errors li:has-text("do-not-call list; its card was withdrawn")').waitFor({ timeout: 15000 });
    await waitFor(async () => (await cardName(page)) !== 'Do Not Call Me', 'the card withdrawn', 15000);
    await rig.shot(page, 'card-withdrawn-dnc');
    assert.equal(db.value("SELECT state FROM dialer_numbers WHERE number = '5562001'"), 'dnc');
    // The next lead comes; the withdrawn one was never dialed.
    await waitFor(async () => (await cardName(page)) === 'Next Customer', 'the next card', 30000);
    assert.equal(db.value("SELECT COUNT(*) FROM dialer_calls WHERE number = '5562001'"), '0');
    assert.deepEqual(pageErrors, []);
    await context.close();
  });
});
