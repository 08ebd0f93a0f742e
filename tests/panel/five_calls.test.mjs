// A progressive agent's day at the desk, in Chromium against panelhost +
// libpaneldialer.so + pbx-sim + a scratch database (issue 11, "Tests that
// must exist"): agent 101 takes 5 calls in a row and tags every one of them:
// - each call's contact card (name, number, variables) and the campaign's
//   script are on screen while the call is on;
// - after each call the agent stays paused in wrap-up (pbx-sim's QueueStatus:
//   Paused, PausedReason wrap-up) and gets no call until the tag is saved;
// - none is lost: each call is listed to tag once it ends, alone;
// - none is prompted that the agent did not take: a call agent 102 took (while
//   101 was on a break) and a busy call dialed while 101 was free never reach
//   101's list;
// - the database has 5 agent dispositions, on exactly the calls 101 took;
// - the admin pages show what 101 chose: the Numbers page filtered by the
//   agent's disposition, the dashboard's agents' dispositions.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  panelRigForSuite, panelScenario, offerDispositionsSql, campaignSql, sqlText, queueMember, waitForQueueMember, recordDesk, waitFor,
  createAdmin, startPhp, adminLogin,
} from '../support/harness.mjs';

const AGENT_101 = 'Local/101@sim-agents/n';
const AGENT_102 = 'Local/102@sim-agents/n';
const SCRIPT = 'Introduce yourself, then ask for {the account holder}.';
// 101's five calls, in the order dialed (priority), each tagged with its own choice.
const LEADS = [
  { name: 'Ada Uno', number: '5559101', variables: 'customer_id=A-1|tier=gold', tag: 'Sale' },
  { name: 'Bo Dos', number: '5559102', variables: 'customer_id=B-2', tag: 'No interest' },
  { name: 'Cy Tres', number: '5559103', variables: 'customer_id=C-3|lang=es', tag: 'Sale' },
  { name: 'Di Cuatro', number: '5559104', variables: 'customer_id=D-4', tag: 'No interest' },
  { name: 'Ed Cinco', number: '5559105', variables: 'customer_id=E-5|note=last', tag: 'Sale' },
];
const FOR_102 = { name: 'Taken By 102', number: '5559100' };  // dialed first, while 101 is on a break
const BUSY = { name: 'Busy Line', number: '5559109' };  // dialed for 101 after the first tag, busy

const scenario = panelScenario({
  seed: 21,
  queues: ['sales'],
  agents: { 101: ['sales'], 102: ['sales'] },
  contexts: {
    'pd-prog-dest': { type: 'queue', queue: 'sales' },
    'ext-queues': { type: 'queue', queue: 'sales' },
  },
  numberRules: [
    { pattern: BUSY.number, outcome: 'busy', after_s: 1 },
    { pattern: '_X.', outcome: 'answer', answer_after_s: 1, talk_s: 3 },
  ],
});

const variablesOf = (lead) => lead.variables.split('|').map((item) => [item.slice(0, item.indexOf('=')), item.slice(item.indexOf('=') + 1)]);

// By priority: 102's call first, then 101's first, the busy one, and 101's four others.
const dialOrder = [FOR_102, LEADS[0], BUSY, ...LEADS.slice(1)];
const seed = `
  UPDATE dialer_settings SET value = 'Break, Lunch' WHERE name = 'pause_reasons';
  INSERT INTO dialer_dispositions (name) VALUES ('Sale'), ('No interest');
  ${campaignSql('prog', { destination: 'ext-queues,501,1', queue: 'sales', enabled: 0, concurrent_calls: 1, wrapup_seconds: 0, script: SCRIPT })}
  ${offerDispositionsSql(['Sale', 'No interest'])}
  ${dialOrder.map((lead, i) => `INSERT INTO dialer_numbers (campaign_id, name, number, variables, priority)
    SELECT id, ${sqlText(lead.name)}, '${lead.number}', ${sqlText(lead.variables || '')}, ${20 - i}
      FROM dialer_campaigns WHERE name = 'prog';`).join('\n')}`;

describe('agent panel: five calls in a row, each tagged', () => {
  const rig = panelRigForSuite('fivecalls', {
    artifacts: 'panel-five-calls',
    scenario,
    agents: { 101: 'agent-101-secret', 102: 'agent-102-secret' },
    seed,
  });

  it('takes 5 calls in a row, sees each contact and the script, stays in wrap-up until each save, and tags exactly those 5, which the admin pages show', async () => {
    const { db, amiPort } = rig;
    const { context, page, pageErrors } = await rig.login('101', { viewport: { width: 1100, height: 1000 }, initScript: recordDesk });
    const callsOf = (agent) => Number(db.value(`SELECT COUNT(*) FROM dialer_calls WHERE agent = '${agent}'`));
    const allCalls = () => Number(db.value('SELECT COUNT(*) FROM dialer_calls'));

    // 101 takes a break; the campaign starts: its first call can only go to 102.
    await page.locator('#pd-membership li[data-queue="sales"][data-state="available"]').waitFor();
    await page.selectOption('#pd-pause-reason', 'Break');
    await page.click('#pd-pause');
    await waitForQueueMember(amiPort, 'sales', AGENT_101, true, 'Break', '101 on a break in pbx-sim');
    db.sql("UPDATE dialer_campaigns SET enabled = 1, updated_at = NOW() + INTERVAL 2 SECOND WHERE name = 'prog'");
    // 102 (no panel open) takes it and, never tagging it, stays in wrap-up.
    await waitFor(() => db.value(`SELECT COUNT(*) FROM dialer_pending_dispositions WHERE agent = '102'`) === '1',
      "the prompt of 102's call", 60000);
    await waitForQueueMember(amiPort, 'sales', AGENT_102, true, 'wrap-up', '102 in wrap-up in pbx-sim');
    assert.equal(db.value(`SELECT number FROM dialer_calls WHERE agent = '102'`), FOR_102.number);
    const call102 = db.value(`SELECT call_id FROM dialer_calls WHERE agent = '102'`);
    assert.equal(callsOf('101'), 0);
    assert.equal(await page.locator('#pd-pending').isVisible(), false, "102's call is not 101's to tag");

    // Back from the break: 101's calls come, one after each save.
    await page.click('#pd-unpause');
    await waitForQueueMember(amiPort, 'sales', AGENT_101, false, '', '101 back from the break');
    for (const [i, lead] of LEADS.entries()) {
      const item = page.locator(`#pd-pending-list li:has-text("${lead.number}")`);
      await item.waitFor({ timeout: 60000 });
      // Listed alone: the one call just taken, nothing lost, nothing else.
      await page.locator('#pd-pending[data-count="1"]').waitFor();
      assert.equal(callsOf('101'), i + 1, `call ${i + 1} of 101`);
      // In wrap-up until the save: paused in the queue, the timer running, no call meanwhile.
      await page.locator('#pd-wrapup').waitFor({ state: 'visible' });
      assert.equal(await page.getAttribute('#pd-wrapup', 'data-ends'), 'saved', 'wrapup_seconds 0: until saved');
      await waitForQueueMember(amiPort, 'sales', AGENT_101, true, 'wrap-up', `101 in wrap-up after call ${i + 1}`);
      const callsBefore = allCalls();
      // The simulator runs 5x: 2 s here are 10 s of calls (a call takes about 5).
      await page.waitForFunction(() => {
        const [m, s] = document.querySelector('#pd-wrapup-timer').textContent.split(':').map(Number);
        return m * 60 + s >= 2;
      }, null, { timeout: 15000 });
      assert.equal((await queueMember(amiPort, 'sales', AGENT_101)).PausedReason, 'wrap-up', 'still in wrap-up');
      assert.equal(allCalls(), callsBefore, 'no call placed during the wrap-up');
      assert.equal(callsOf('101'), i + 1, 'no call reached 101 during the wrap-up');
      if (i === 0) await rig.shot(page, 'first-call-wrapup');
      await item.locator(`button.pd-dispo[data-disposition="${lead.tag}"]`).click();
      await item.waitFor({ state: 'detached' });
      await page.locator('#pd-wrapup').waitFor({ state: 'hidden' });
    }
    await waitForQueueMember(amiPort, 'sales', AGENT_101, false, '', '101 unpaused after the last save');
    await page.locator('#pd-pending').waitFor({ state: 'hidden' });
    await rig.shot(page, 'five-tagged');

    // The database: 5 calls taken by 101, each with its own tag; nothing left to tag.
    const rows = db.sql(`SELECT call_id, number, agent_disposition FROM dialer_calls WHERE agent = '101' ORDER BY started_at`);
    assert.deepEqual(rows.map(([, number, tag]) => [number, tag]), LEADS.map((lead) => [lead.number, lead.tag]));
    assert.deepEqual(db.sql(`SELECT number, agent_disposition FROM dialer_numbers WHERE number IN (${LEADS.map((l) => `'${l.number}'`).join(',')})
      ORDER BY number`), LEADS.map((lead) => [lead.number, lead.tag]));
    assert.equal(db.value("SELECT COUNT(*) FROM dialer_pending_dispositions WHERE agent = '101'"), '0');
    assert.equal(db.value(`SELECT COUNT(*) FROM dialer_calls WHERE agent_disposition IS NOT NULL AND agent_disposition <> ''`), '5',
      '5 agent dispositions in all');
    // 102's call still waits for 102; the busy call reached nobody and waits for no one.
    assert.deepEqual(db.sql("SELECT call_id FROM dialer_pending_dispositions WHERE agent = '102'"), [[call102]]);
    assert.deepEqual(db.sql(`SELECT dial_status, agent IS NULL OR agent = '' FROM dialer_calls WHERE number = '${BUSY.number}'`), [['BUSY', '1']]);
    assert.equal(db.value(`SELECT COUNT(*) FROM dialer_pending_dispositions p JOIN dialer_calls c ON c.call_id = p.call_id
      WHERE c.number = '${BUSY.number}'`), '0');
    // Each wrap-up ended by its save.
    assert.deepEqual(db.sql(`SELECT kind, reason, ended_by FROM dialer_agent_events WHERE agent = '101' ORDER BY started_at`),
      [['pause', 'Break', 'saved'], ...LEADS.map(() => ['wrapup', 'wrap-up', 'saved'])]);

    // What the agent saw: exactly their 5 calls listed to tag, each once on its own.
    const states = await page.evaluate(() => window.__desk);
    const taken = rows.map(([callId]) => callId);
    const listed = [...new Set(states.flatMap((s) => s.pending))];
    assert.deepEqual(listed, taken, 'the calls listed to tag are the calls 101 took, in order');
    assert.ok(states.every((s) => s.pending.length <= 1), 'never two calls to tag at once');
    // Each call's contact card and the script while it was on.
    for (const lead of LEADS) {
      const shown = states.filter((s) => s.contact?.live === 'true' && s.contact.number === lead.number);
      assert.ok(shown.length > 0, `a live contact card of ${lead.number}`);
      const card = shown[shown.length - 1].contact;
      assert.equal(card.name, lead.name);
      assert.deepEqual(card.vars, variablesOf(lead), 'every variable');
      assert.equal(card.script, SCRIPT);
      assert.equal(card.dial, 0, 'no Dial button on a call already connected');
      assert.ok(states.some((s) => s.contact?.number === lead.number && s.call?.state === 'connected' && s.pill === 'connected'),
        `connected shown while ${lead.number} was on the line`);
      assert.ok(states.some((s) => s.contact?.number === lead.number && s.wrapup && s.pill === 'wrapup'),
        `the wrap-up shown after ${lead.number}`);
    }
    for (const other of [FOR_102, BUSY]) {
      assert.ok(!states.some((s) => s.contact?.number === other.number), `no card of ${other.number}`);
    }
    assert.deepEqual(pageErrors, []);
    await context.close();

    // The admins see what 101 chose, beside the engine's results.
    createAdmin(db.dsn, 'admin', 'correct-horse-42');
    const php = await startPhp(db.dsn, { logName: 'php-five-calls.log' });
    try {
      const admin = await adminLogin(rig.browser, php, 'admin', 'correct-horse-42', { viewport: { width: 1400, height: 1000 } });
      const campaign = db.value("SELECT id FROM dialer_campaigns WHERE name = 'prog'");
      const tagged = (tag) => LEADS.filter((lead) => lead.tag === tag).map((lead) => lead.number).sort();
      for (const tag of ['Sale', 'No interest']) {
        await admin.goto(`${php.base}/numbers.php?campaign=${campaign}&agent_disposition=${encodeURIComponent(tag)}`);
        const headers = (await admin.locator('#pd-numbers thead th').allTextContents()).map((h) => h.trim());
        const rows = await admin.locator('#pd-numbers tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((td) => td.textContent.trim())));
        const [number, result, agentTag] = ['Number', 'Result', "Agent's disposition"].map((name) => headers.indexOf(name));
        assert.deepEqual(rows.map((cells) => cells[number]).sort(), tagged(tag), `the Numbers page filtered by ${tag}`);
        assert.ok(rows.every((cells) => cells[agentTag] === tag && cells[result] !== tag), "the agent's choice beside the engine's result");
        if (tag === 'Sale') await admin.screenshot({ path: `${rig.artifacts}/admin-numbers-sale.png`, fullPage: true });
      }
      await admin.goto(`${php.base}/index.php`);
      const card = admin.locator('section.card', { has: admin.locator('h2', { hasText: /^prog \(/ }) });
      const agentsTable = card.locator('[data-role=agent-dispositions] tr');
      await agentsTable.first().waitFor();
      assert.deepEqual(await agentsTable.evaluateAll((trs) => trs.map((tr) => [...tr.cells].slice(0, 2).map((td) => td.textContent.trim()))),
        [['No interest', '2'], ['Sale', '3']], "the dashboard's agents' dispositions");
      await card.scrollIntoViewIfNeeded();
      await admin.screenshot({ path: `${rig.artifacts}/admin-dashboard.png`, fullPage: true });
    } finally {
      php.stop();
    }
  });
});
