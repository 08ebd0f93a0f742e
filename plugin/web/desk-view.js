// The one mapping from what the plugin said (agent.state's status, the last
// call.progress) to what the desk shows: the status pill and the step bar.
// Both come from deskView(), so they cannot disagree: while a call is live the
// pill says the call's current step; a step is lit only when the plugin listed
// it in call.progress `reached` (an event reported it), never because a later
// one came (a busy call goes Dialing -> Busy). New desk states (wrap-up, pause)
// are added here, to both at once.
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
  ended: 'Call ended',
};
// agent.state statuses that describe a call: the call's own progress says them.
const CALL_STATUSES = new Set(['dialing', 'ringing', 'connected']);

/**
 * @param {string} status agent.state's status ('idle' when none yet)
 * @param {object|null} call the last call.progress, or null
 * @returns {{pill: {status: string, label: string},
 *            call: null | {title: string, live: boolean, state: string,
 *                          steps: {step: string, label: string, state: 'done'|'current'|'skipped'|'todo'}[],
 *                          result: string, outcome: string}}}
 */
export function deskView(status, call) {
  const live = Boolean(call) && call.state !== 'ended';
  let pill;
  if (live) pill = call.state;  // the call's step, whatever an older agent.state said
  else if (call && CALL_STATUSES.has(status)) pill = 'ended';  // agent.state not updated yet
  else pill = status || 'idle';
  return {
    pill: { status: pill, label: STATUS_LABEL[pill] || pill },
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
