// The one mapping from what the plugin said (agent.state's status, the last
// call.progress, agent.controls' wrap-up and pause, the calls to tag) to what
// the desk shows: the status pill and the step bar. Both come from
// deskView(), so they cannot disagree: while a call is live the pill says the
// call's current step; a step is lit only when the plugin listed it in
// call.progress `reached` (an event reported it), never because a later one
// came (a busy call goes Dialing -> Busy). Once the call ended, a wrap-up
// (the wrap-up pause, calls to tag, a card held behind them) is "Wrap-up",
// then the agent's own pause, never "Preview" or a call step.
// Pure: no DOM, importable by node tests (tests/panel/desk_view.test.mjs).

export const STEPS = ['dialing', 'ringing', 'connected', 'ended'];
const STEP_LABEL = { dialing: 'Dialing', ringing: 'Ringing', connected: 'Connected', ended: 'Ended' };
export const STATUS_LABEL = {
  idle: 'Idle',
  preview: 'Preview',
  dialing: 'Dialing',
  ringing: 'Ringing',
  connected: 'On a call',
  wrapup: 'Wrap-up',
  paused: 'Paused',
  ended: 'Call ended',
};
// agent.state statuses that describe a call: the call's own progress says them.
const CALL_STATUSES = new Set(['dialing', 'ringing', 'connected']);

/**
 * The agent's pause as the controls and the pill say it.
 * @param {object|null} controls the last agent.controls, or null
 * @returns {{state: 'true'|'wrapup'|'false', text: string}}
 */
export function pauseView(controls) {
  if (!controls) return { state: 'false', text: 'Not paused' };
  const queues = Array.isArray(controls.queues) ? controls.queues : [];
  if (controls.pause) return { state: 'true', text: `Paused (${controls.pause.reason})` };
  if (controls.wrapup) return { state: 'wrapup', text: 'Paused for wrap-up' };
  if (queues.some((q) => q.state === 'paused')) return { state: 'true', text: 'Paused' };
  return { state: 'false', text: 'Not paused' };
}

/**
 * @param {string} status agent.state's status ('idle' when none yet)
 * @param {object|null} call the last call.progress, or null
 * @param {{controls?: object|null, pending?: number}} [desk] the last
 *   agent.controls and how many calls the panel lists to tag
 * @returns {{pill: {status: string, label: string},
 *            call: null | {title: string, live: boolean, state: string,
 *                          steps: {step: string, label: string, state: 'done'|'current'|'skipped'|'todo'}[],
 *                          result: string, outcome: string}}}
 */
export function deskView(status, call, desk = {}) {
  const live = Boolean(call) && call.state !== 'ended';
  const controls = desk.controls || null;
  // Calls to tag hide any card (the panel holds it behind them): wrap-up too.
  const wrapup = Boolean(controls && controls.wrapup) || status === 'wrapup' || (desk.pending || 0) > 0;
  const pause = pauseView(controls);
  let pill;
  let label;
  if (live) pill = call.state;  // the call's step, whatever an older agent.state said
  else if (wrapup) pill = 'wrapup';
  else if (status === 'preview') pill = 'preview';
  else if (call && CALL_STATUSES.has(status)) pill = 'ended';  // agent.state not updated yet
  else if (status === 'paused' || pause.state === 'true') {
    pill = 'paused';
    label = pause.state === 'true' ? pause.text : STATUS_LABEL.paused;
  } else pill = status || 'idle';
  return {
    pill: { status: pill, label: label || STATUS_LABEL[pill] || pill },
    call: call ? callView(call, live) : null,
  };
}

function callView(call, live) {
  const reached = new Set(Array.isArray(call.reached) ? call.reached : ['dialing', call.state]);
  const current = call.state;
  const last = STEPS.reduce((at, step, index) => (reached.has(step) ? index : at), 0);
  const outcome = current === 'ended' ? (call.outcome && call.outcome.text) || 'Ended' : '';
  const steps = STEPS.map((step, index) => {
    let state = 'todo';
    if (step === current) state = 'current';
    else if (reached.has(step)) state = 'done';
    else if (index < last) state = 'skipped';  // no event said so: never lit
    const label = step === 'ended' && outcome ? outcome : STEP_LABEL[step];
    return { step, label, state };
  });
  return {
    title: live ? 'Call' : 'Last call',
    live,
    state: current,
    steps,
    result: outcome ? `Result: ${outcome}` : '',
    outcome: current === 'ended' ? (call.outcome && call.outcome.code) || '' : '',
  };
}
