// deskView (plugin/web/desk-view.js): the status pill and the step bar come
// from one mapping and agree; no step is lit that call.progress did not list.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { deskView, pauseView, STEPS } from '../../plugin/web/desk-view.js';

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

  // agent.controls as the engine sends it (docs/panel-protocol.md).
  const controls = ({ wrapup = null, pause = null, queues = [] } = {}) => ({
    type: 'agent.controls', reasons: ['Break', 'Lunch'], pause, wrapup, queues, now: 0,
  });
  const inWrapup = { call_id: 'c1', campaign: 'prog', started_at: 1, ends_at: 0 };
  const ended = progress('ended', ['dialing', 'ringing', 'connected', 'ended'], { code: 'answered', text: 'Answered' });

  it('in wrap-up the pill says Wrap-up beside the ended call, never Preview or a call step', () => {
    // The wrap-up pause, however agent.state lags (a stale call status, a card, idle).
    for (const status of ['idle', 'preview', 'connected', 'dialing', 'wrapup', 'paused']) {
      const view = deskView(status, ended, { controls: controls({ wrapup: inWrapup }) });
      assert.equal(view.pill.status, 'wrapup', status);
      assert.equal(view.pill.label, 'Wrap-up');
      assert.equal(view.call.steps.find((s) => s.state === 'current').step, 'ended');
    }
    // Calls to tag: a card the plugin reserved waits behind them, so no "Preview".
    assert.equal(deskView('preview', null, { pending: 2 }).pill.status, 'wrapup');
    assert.equal(deskView('idle', ended, { pending: 1 }).pill.status, 'wrapup');
    // A wrap-up with a timeout and nothing to tag (no dispositions offered).
    assert.equal(deskView('idle', null, { controls: controls({ wrapup: { ...inWrapup, ends_at: 9 } }) }).pill.label, 'Wrap-up');
    // Once saved and unpaused: the agent's status again.
    assert.equal(deskView('preview', ended, { controls: controls(), pending: 0 }).pill.status, 'preview');
    assert.equal(deskView('idle', ended, { controls: controls(), pending: 0 }).pill.label, 'Idle');
  });

  it('a live call outranks the wrap-up of the one before: the pill says its step', () => {
    const view = deskView('wrapup', progress('ringing', ['dialing', 'ringing']), { controls: controls({ wrapup: inWrapup }), pending: 1 });
    assert.equal(view.pill.status, 'ringing');
    assert.equal(view.call.steps.find((s) => s.state === 'current').step, 'ringing');
  });

  it('paused: the pill says the reason as the controls do; the wrap-up first while it lasts', () => {
    const lunch = controls({ pause: { reason: 'Lunch', since: 1 }, queues: [{ name: 'sales', state: 'paused', reason: 'Lunch' }] });
    assert.deepEqual(deskView('paused', ended, { controls: lunch }).pill, { status: 'paused', label: 'Paused (Lunch)' });
    assert.equal(pauseView(lunch).text, 'Paused (Lunch)');
    assert.equal(deskView('paused', null, {}).pill.label, 'Paused', 'agent.state before its controls');
    // Paused during a wrap-up: Wrap-up until the save, then Paused (Lunch).
    const both = controls({ pause: { reason: 'Lunch', since: 1 }, wrapup: inWrapup });
    assert.equal(deskView('wrapup', ended, { controls: both, pending: 1 }).pill.status, 'wrapup');
    assert.equal(deskView('paused', ended, { controls: lunch, pending: 0 }).pill.label, 'Paused (Lunch)');
    // Paused by a supervisor in a queue (not the agent's own pause).
    const other = controls({ queues: [{ name: 'sales', state: 'paused', reason: 'Meeting' }] });
    assert.deepEqual(deskView('idle', null, { controls: other }).pill, { status: 'paused', label: 'Paused' });
    assert.deepEqual(pauseView(controls({ wrapup: inWrapup })), { state: 'wrapup', text: 'Paused for wrap-up' });
    assert.deepEqual(pauseView(null), { state: 'false', text: 'Not paused' });
  });
});
