// The agent's controls in the PanelDialer panel: the wrap-up after a call
// (with its timer), pause / unpause with a reason from the admin's list, the
// agent's state in each queue and the day's figures. Messages: agent.controls
// and agent.today in, agent.pause / agent.unpause / agent.today out
// (docs/panel-protocol.md). Every text goes in as textContent.
import { pauseView } from './desk-view.js';

const TEMPLATE = `
  <section id="pd-controls" class="pd-controls" aria-label="Pause and queues">
    <div id="pd-wrapup" class="pd-wrapup" role="status" hidden>
      <strong>Wrap-up</strong>
      <span id="pd-wrapup-timer" class="pd-wrapup-timer" aria-live="off"></span>
      <span id="pd-wrapup-note" class="pd-muted"></span>
    </div>
    <div class="pd-row pd-pause-row">
      <span class="pd-label">Pause</span>
      <span id="pd-pause-state" class="pd-pause-state">Not paused</span>
      <label class="pd-row" for="pd-pause-reason"><span class="pd-visually-hidden">Reason</span>
        <select id="pd-pause-reason"></select></label>
      <button id="pd-pause" type="button" class="secondary">Pause</button>
      <button id="pd-unpause" type="button" class="secondary" hidden>Unpause</button>
    </div>
    <div><span class="pd-label">Queues</span> <ul id="pd-membership" class="pd-membership"></ul></div>
    <div class="pd-today" aria-labelledby="pd-today-title">
      <span id="pd-today-title" class="pd-label">Today</span>
      <dl id="pd-today" class="pd-today-figures">
        <div><dt>Calls</dt><dd data-figure="calls">—</dd></div>
        <div><dt>Talk time</dt><dd data-figure="talk">—</dd></div>
        <div><dt>Wrap-up time</dt><dd data-figure="wrapup">—</dd></div>
        <div><dt>Pauses</dt><dd data-figure="pauses">—</dd></div>
        <div><dt>Dispositions</dt><dd data-figure="dispositions">—</dd></div>
      </dl>
    </div>
  </section>`;

// 75 -> "1:15", 3725 -> "1:02:05".
export function clock(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
}

// Draws the controls right after `anchor` (the panel's state section).
export function mountControls(anchor, client) {
  const host = document.createElement('div');
  host.innerHTML = TEMPLATE;
  const section = host.firstElementChild;
  anchor.after(section);
  const $ = (id) => section.querySelector(`#${id}`);
  const view = {
    controls: null,
    skewMs: 0,      // the engine's clock minus this PC's, at the last message
    timer: null,
    sent: false,    // a pause / unpause went out and is not answered yet
  };

  client.on('agent.controls', (msg) => {
    view.controls = msg;
    view.sent = false;
    if (Number.isFinite(msg.now)) view.skewMs = msg.now - Date.now();
    render();
  });
  client.on('agent.today', (msg) => renderToday(msg));
  client.on('error', (msg) => {
    if (msg.request === 'agent.pause' || msg.request === 'agent.unpause') {
      view.sent = false;
      render();
    }
  });

  $('pd-pause').addEventListener('click', () => {
    const reason = $('pd-pause-reason').value;
    if (!reason || view.sent) return;
    view.sent = true;
    render();
    if (!client.send({ type: 'agent.pause', reason })) {
      view.sent = false;
      render();
    }
  });
  $('pd-unpause').addEventListener('click', () => {
    if (view.sent) return;
    view.sent = true;
    render();
    if (!client.send({ type: 'agent.unpause' })) {
      view.sent = false;
      render();
    }
  });

  function render() {
    const msg = view.controls;
    if (!msg) return;
    // Reasons: keep the choice while the list is the same.
    const select = $('pd-pause-reason');
    const reasons = Array.isArray(msg.reasons) ? msg.reasons : [];
    if ([...select.options].map((o) => o.value).join('\n') !== reasons.join('\n')) {
      select.replaceChildren(...reasons.map((reason) => {
        const option = document.createElement('option');
        option.value = reason;
        option.textContent = reason;
        return option;
      }));
    }
    const memberships = Array.isArray(msg.queues) ? msg.queues : [];
    const pausedSomewhere = memberships.some((q) => q.state === 'paused');
    const own = msg.pause;
    // The same words as the status pill's (desk-view.js).
    const pause = pauseView(msg);
    const state = $('pd-pause-state');
    state.textContent = pause.text;
    state.dataset.paused = pause.state;
    $('pd-pause').hidden = Boolean(own);
    $('pd-pause-reason').hidden = Boolean(own);
    // Unpause lifts the agent's own pause (or one made elsewhere); a wrap-up
    // ends when the disposition is saved.
    $('pd-unpause').hidden = !(own || (pausedSomewhere && !msg.wrapup));
    for (const id of ['pd-pause', 'pd-unpause', 'pd-pause-reason']) {
      $(id).disabled = view.sent || memberships.length === 0;
    }
    $('pd-membership').replaceChildren(...memberships.map((q) => {
      const item = document.createElement('li');
      item.className = 'pd-member';
      item.dataset.queue = q.name;
      item.dataset.state = q.state;
      const words = q.state === 'paused' && q.reason ? `paused (${q.reason})` : q.state;
      item.textContent = `${q.name}: ${words}`;
      return item;
    }));
    if (!memberships.length) {
      const none = document.createElement('li');
      none.className = 'pd-muted';
      none.textContent = 'not a member of any queue';
      $('pd-membership').append(none);
    }
    renderWrapup();
  }

  function renderWrapup() {
    const wrapup = view.controls && view.controls.wrapup;
    $('pd-wrapup').hidden = !wrapup;
    clearInterval(view.timer);
    view.timer = null;
    if (!wrapup) return;
    $('pd-wrapup').dataset.ends = wrapup.ends_at > 0 ? 'timeout' : 'saved';
    $('pd-wrapup-note').textContent = wrapup.ends_at > 0
      ? 'left, or until the disposition is saved'
      : 'until the disposition is saved';
    const tick = () => {
      const now = Date.now() + view.skewMs;
      const seconds = wrapup.ends_at > 0 ? (wrapup.ends_at - now) / 1000 : (now - wrapup.started_at) / 1000;
      $('pd-wrapup-timer').textContent = clock(wrapup.ends_at > 0 ? Math.ceil(seconds) : seconds);
    };
    tick();
    view.timer = setInterval(tick, 1000);
  }

  function renderToday(msg) {
    const figure = (name) => section.querySelector(`[data-figure="${name}"]`);
    figure('calls').textContent = String(msg.calls ?? 0);
    figure('talk').textContent = clock(msg.talk_seconds ?? 0);
    figure('wrapup').textContent = clock(msg.wrapup_seconds ?? 0);
    figure('pauses').textContent = `${msg.pauses ?? 0} · ${clock(msg.pause_seconds ?? 0)}`;
    const dispositions = Array.isArray(msg.dispositions) ? msg.dispositions : [];
    figure('dispositions').textContent = dispositions.length
      ? dispositions.map((d) => `${d.name} ${d.count}`).join(', ')
      : 'none';
    $('pd-today-title').textContent = msg.day ? `Today (${msg.day})` : 'Today';
    $('pd-today').dataset.calls = String(msg.calls ?? 0);
  }
}
