// deskView (plugin/web/desk-view.js): the status pill and the step bar come
// from one mapping and agree; no step is lit that call.progress did not list.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { deskView, STEPS } from '../../plugin/web/desk-view.js';

const progress = (state, reached, outcome) => ({ type: 'call.progress', call_id: 'c1', state, reached, outcome });
const lit = (view) => view.call.steps.filter((s) => s.state === 'done' || s.state === 'current').map((s) => s.step);

describe('deskView', () => {
  it('a busy call: dialing then Busy, ringing and connected never lit', () => {
    const dialing = deskView('dialing', progress('dialing', ['dialing']));
    assert.deepEqual(lit(dialing), ['dialing']);
    assert.equal(dialing.pill.status, 'dialing');
    const busy = deskView('idle', progress('ended', ['dialing', 'ended'], { code: 'busy', text: 'Busy' }));
    assert.deepEqual(lit(busy), ['dialing', 'ended']);
    assert.deepEqual(busy.call.steps.map((s) => s.state), ['done', 'skipped', 'skipped', 'current']);
    assert.equal(busy.call.steps[3].label, 'Busy');
    assert.equal(busy.call.result, 'Result: Busy');
    assert.equal(busy.call.title, 'Last call');
  });

  it('while a call is live the pill says its step, whatever an older agent.state said', () => {
    for (const state of ['dialing', 'ringing', 'connected']) {
      const reached = STEPS.slice(0, STEPS.indexOf(state) + 1);
      for (const status of ['idle', 'preview', 'dialing', 'connected', 'wrapup']) {
        const view = deskView(status, progress(state, reached));
        const current = view.call.steps.find((s) => s.state === 'current');
        assert.equal(view.pill.status, current.step, `${status} / ${state}`);
      }
    }
  });

  it('an ended call with a stale call status says "Call ended"; without a call the agent status stands', () => {
    assert.equal(deskView('connected', progress('ended', ['dialing', 'ended'])).pill.label, 'Call ended');
    assert.equal(deskView('wrapup', progress('ended', ['dialing', 'connected', 'ended'])).pill.status, 'wrapup');
    assert.equal(deskView('preview', null).pill.label, 'Preview');
    assert.equal(deskView('preview', null).call, null);
  });

  it('a message without `reached` lights only its own state', () => {
    const view = deskView('idle', { state: 'ended', dial_status: 'BUSY' });
    assert.deepEqual(lit(view), ['dialing', 'ended']);
    assert.equal(view.call.result, 'Result: Ended', 'never the raw BUSY');
  });
});
