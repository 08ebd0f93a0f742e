// PanelDialer's agent panel: agent state, the preview card with Dial / Skip,
// call progress and the calls left to tag (disposition.pending). Loaded by the host's shell, which
// calls mount(container, client, session); messages follow docs/panel-protocol.md.
//
// Rules that keep it hard to misuse:
// - one preview.dial per card: the first click disables Dial (and Skip) until
//   the card changes, or the plugin answers the dial with an error;
// - while a call is left to tag, a new card waits behind it;
// - the calls to tag are the plugin's list (oldest first, with the count):
//   a call leaves it only when the plugin says it is saved; an error keeps
//   it and shows the message beside it;
// - card HTML comes escaped from the plugin and is inserted as markup; every
//   other text (names, numbers, script, errors) goes in as textContent;
// - the status pill and the step bar are drawn from one deskView() (desk-view.js),
//   which also says the wrap-up and the pause of agent.controls (controls.js);
// - the contact card of the call (screen pop) is contact.js's.
import { deskView } from './desk-view.js';
import { mountContacts } from './contact.js';
import { mountControls } from './controls.js';

const MAX_ERRORS = 3;

const TEMPLATE = `
  <div class="pd">
    <section class="pd-state" aria-label="Agent state">
      <div><span class="pd-label">Status</span> <strong id="pd-status" class="pd-badge">—</strong></div>
      <div><span class="pd-label">Campaigns</span> <span id="pd-campaigns">—</span></div>
      <div><span class="pd-label">Queues</span> <span id="pd-queues">—</span></div>
    </section>
    <ul id="pd-errors" class="pd-errors" role="alert"></ul>
    <section id="pd-call" class="pd-call" aria-live="polite" hidden>
      <h2 class="pd-title">Call <span id="pd-call-who"></span></h2>
      <ol id="pd-call-steps" class="pd-steps"></ol>
      <p id="pd-call-result" class="pd-muted" hidden></p>
    </section>
    <section id="pd-contact" class="pd-contact" aria-label="Contact" hidden></section>
    <section id="pd-pending" class="pd-pending" aria-labelledby="pd-pending-count" hidden>
      <h2 id="pd-pending-count" class="pd-title"></h2>
      <ol id="pd-pending-list" class="pd-pending-list"></ol>
      <p id="pd-pending-more" class="pd-muted" hidden></p>
    </section>
    <p id="pd-callback-note" class="pd-note" role="status" hidden></p>
    <section id="pd-card-area" class="pd-card-area" aria-label="Preview card" hidden>
      <p id="pd-card-callback" class="pd-note" hidden>Your callback: the customer asked to be called back now.</p>
      <div id="pd-card" class="pd-card"></div>
      <details id="pd-script-box" class="pd-script-box" hidden open>
        <summary>Script</summary>
        <pre id="pd-script" class="pd-script"></pre>
      </details>
      <div class="pd-row pd-actions">
        <button id="pd-skip" type="button" class="secondary">Skip…</button>
        <span id="pd-skip-choice" class="pd-row" role="group" aria-label="Skip this lead" hidden>
          <span>Skip this lead:</span>
          <button id="pd-skip-return" type="button" class="secondary">Return to list</button>
          <button id="pd-skip-close" type="button" class="danger">Close lead</button>
          <button id="pd-skip-cancel" type="button" class="link">Cancel</button>
        </span>
      </div>
    </section>
    <p id="pd-waiting" class="pd-muted">Waiting for the next lead…</p>
    <p id="pd-held" class="pd-note" hidden>Save the disposition to see the next lead.</p>
  </div>`;

export function mount(container, client) {
  container.innerHTML = TEMPLATE;
  mountControls(container.querySelector('.pd-state'), client);  // wrap-up, pause, queues, today
  const $ = (id) => container.querySelector(`#${id}`);
  const view = {
    card: null,         // the preview.card shown
    dialSentFor: null,  // lead whose preview.dial went out
    skipSentFor: null,  // lead whose preview.skip went out
    heldCard: null,     // a card that arrived while a disposition is asked for
    call: null,         // last call.progress
    status: 'idle',     // agent.state's status
    controls: null,     // last agent.controls (wrap-up, pause): the pill says them too
    pending: [],        // disposition.pending's calls, oldest first
    count: 0,           // disposition.pending's count (may exceed the list)
    saving: new Set(),  // call ids whose disposition.set went out
    failed: new Map(),  // call id -> why its last save failed
    // The callback form open on one call: { callId, disposition, localTime, forMe }.
    callback: null,
  };

  const contacts = mountContacts($('pd-contact'));

  // ---- what the plugin says ------------------------------------------------
  // A card may come after the list that names its call: the list's Contact buttons follow.
  client.on('contact.card', (msg) => {
    contacts.card(msg);
    renderPending();
  });
  client.on('contact.clear', (msg) => {
    contacts.clear(msg.call_id);
    renderPending();
  });
  client.on('agent.state', (msg) => renderAgentState(msg));
  client.on('agent.controls', (msg) => {  // controls.js draws them; the pill follows
    view.controls = msg;
    renderDesk();
  });
  client.on('preview.card', (msg) => {
    if (hasPending()) {
      view.heldCard = msg;
      return render();
    }
    showCard(msg);
  });
  client.on('preview.clear', (msg) => {
    if (view.heldCard && view.heldCard.lead === msg.lead) view.heldCard = null;
    if (view.card && view.card.lead === msg.lead) {
      view.card = null;
      view.dialSentFor = null;
      view.skipSentFor = null;
    }
    render();
  });
  client.on('call.progress', (msg) => {
    view.call = msg;
    renderCall();
  });
  client.on('disposition.pending', (msg) => {
    view.pending = Array.isArray(msg.calls) ? msg.calls : [];
    view.count = Math.max(Number(msg.count) || 0, view.pending.length);
    const listed = new Set(view.pending.map((call) => call.call_id));
    for (const id of [...view.saving]) if (!listed.has(id)) view.saving.delete(id);
    for (const id of [...view.failed.keys()]) if (!listed.has(id)) view.failed.delete(id);
    renderPending();
    releaseHeldCard();
  });
  client.on('disposition.saved', (msg) => {
    if (view.callback && view.callback.callId === msg.call_id) view.callback = null;
    if (msg.callback && typeof msg.callback === 'object') {
      const note = $('pd-callback-note');
      note.textContent = `Callback scheduled for ${msg.callback.local_time} (${msg.callback.zone}), ` +
        (msg.callback.for_me ? 'for you.' : 'for anyone.');
      note.hidden = false;
    }
    contacts.clear(msg.call_id);
    view.saving.delete(msg.call_id);
    view.failed.delete(msg.call_id);
    const before = view.pending.length;
    view.pending = view.pending.filter((call) => call.call_id !== msg.call_id);
    if (view.pending.length < before) view.count = Math.max(view.count - 1, view.pending.length);
    if (view.call && view.call.call_id === msg.call_id) {
      view.call = null;
      renderCall();
    }
    renderPending();
    releaseHeldCard();
  });
  client.on('error', (msg) => {
    if (msg.request === 'preview.dial') view.dialSentFor = null;
    if (msg.request === 'preview.skip') view.skipSentFor = null;
    if (msg.request === 'disposition.set' && msg.call_id && view.saving.has(msg.call_id)) {
      // Kept in the list, with the reason beside it.
      view.saving.delete(msg.call_id);
      view.failed.set(msg.call_id, msg.message || 'Not saved.');
      renderPending();
      return;
    }
    if (msg.request === 'disposition.set') view.saving.clear();
    showError(msg.message || 'Something went wrong.');
    renderPending();
  });

  // ---- what the agent does -------------------------------------------------
  $('pd-card').addEventListener('click', (event) => {
    const button = event.target.closest('.pd-dial');
    if (!button || !view.card) return;
    event.preventDefault();
    if (view.dialSentFor === view.card.lead || view.skipSentFor === view.card.lead) return;
    view.dialSentFor = view.card.lead;
    render();  // disables Dial and Skip before anything else can happen
    if (!client.send({ type: 'preview.dial', lead: view.card.lead })) {
      view.dialSentFor = null;
      showError('Not connected to the host: the call was not placed. Try again when connected.');
      render();
    }
  });
  $('pd-skip').addEventListener('click', () => {
    $('pd-skip-choice').hidden = false;
    $('pd-skip').hidden = true;
    $('pd-skip-return').focus();
  });
  $('pd-skip-cancel').addEventListener('click', closeSkipChoice);
  $('pd-skip-choice').addEventListener('keydown', (event) => {
    if (event.key === 'Escape') closeSkipChoice();
  });
  $('pd-skip-return').addEventListener('click', () => skip(false));
  $('pd-skip-close').addEventListener('click', () => skip(true));
  $('pd-pending-list').addEventListener('click', (event) => {
    const contact = event.target.closest('button.pd-show-contact');
    if (contact) return contacts.pick(contact.closest('li[data-call]').dataset.call);
    if (event.target.closest('button.pd-callback-cancel')) {
      view.callback = null;
      return renderPending();
    }
    const save = event.target.closest('button.pd-callback-save');
    const button = save || event.target.closest('button.pd-dispo');
    if (!button) return;
    const item = button.closest('li[data-call]');
    const callId = item && item.dataset.call;
    if (!callId || view.saving.has(callId)) return;
    const request = { type: 'disposition.set', call_id: callId, disposition: button.dataset.disposition };
    if (!save && button.dataset.callback === 'true') {
      // A callback: ask for the time (in the customer's zone) and for whom first.
      view.callback = { callId, disposition: button.dataset.disposition, localTime: '', forMe: true };
      view.failed.delete(callId);
      return renderPending();
    }
    if (save) {
      const form = view.callback;
      if (!form || form.callId !== callId || !form.localTime) {
        view.failed.set(callId, 'Choose the date and time to call back.');
        return renderPending();
      }
      request.callback = { local_time: form.localTime, for_me: form.forMe };
    }
    view.saving.add(callId);
    view.failed.delete(callId);
    renderPending();
    if (!client.send(request)) {
      view.saving.delete(callId);
      view.failed.set(callId, 'Not connected to the host: not saved. Try again when connected.');
      renderPending();
    }
  });
  $('pd-pending-list').addEventListener('input', (event) => {
    if (!view.callback) return;
    if (event.target.matches('input.pd-callback-time')) view.callback.localTime = event.target.value;
    if (event.target.matches('input.pd-callback-who')) view.callback.forMe = event.target.value === 'me';
  });
  $('pd-errors').addEventListener('click', (event) => {
    const close = event.target.closest('button');
    if (close) close.parentElement.remove();
  });

  function skip(closeLead) {
    if (!view.card || view.skipSentFor === view.card.lead || view.dialSentFor === view.card.lead) return;
    view.skipSentFor = view.card.lead;
    closeSkipChoice();
    if (!client.send({ type: 'preview.skip', lead: view.card.lead, close: closeLead })) {
      view.skipSentFor = null;
      showError('Not connected to the host: the lead was not skipped. Try again when connected.');
    }
    render();
  }

  function closeSkipChoice() {
    $('pd-skip-choice').hidden = true;
    $('pd-skip').hidden = false;
    $('pd-skip').focus();
  }

  // ---- drawing -------------------------------------------------------------
  function showCard(msg) {
    const sameLead = view.card && view.card.lead === msg.lead;
    if (!sameLead) {
      view.dialSentFor = null;
      view.skipSentFor = null;
      $('pd-skip-choice').hidden = true;
      $('pd-skip').hidden = false;
    }
    view.card = msg;
    // The plugin rendered and escaped this HTML (ctemplate auto-escaping).
    $('pd-card').innerHTML = msg.html || '';
    $('pd-card-callback').hidden = msg.callback !== true;
    $('pd-script').textContent = msg.script || '';
    $('pd-script-box').hidden = !msg.script;
    render();
  }

  function hasPending() {
    return view.pending.length > 0;
  }

  function releaseHeldCard() {
    if (hasPending() || !view.heldCard) return render();
    const held = view.heldCard;
    view.heldCard = null;
    showCard(held);
  }

  function render() {
    const hasCard = Boolean(view.card) && !hasPending();
    $('pd-card-area').hidden = !hasCard;
    $('pd-waiting').hidden = hasCard || hasPending() || isCallActive();
    $('pd-held').hidden = !(hasPending() && view.heldCard);
    if (view.card) {
      const busy = view.dialSentFor === view.card.lead || view.skipSentFor === view.card.lead;
      for (const dial of $('pd-card').querySelectorAll('.pd-dial')) {
        dial.disabled = busy;
        if (view.dialSentFor === view.card.lead) dial.setAttribute('aria-busy', 'true');
        else dial.removeAttribute('aria-busy');
      }
      for (const id of ['pd-skip', 'pd-skip-return', 'pd-skip-close']) $(id).disabled = busy;
    }
    $('pd-pending').hidden = !hasPending();
  }

  function renderPending() {
    const count = view.count;
    $('pd-pending-count').textContent = count === 1 ? '1 call to tag' : `${count} calls to tag`;
    $('pd-pending').dataset.count = String(count);
    const more = count - view.pending.length;
    $('pd-pending-more').hidden = more <= 0;
    $('pd-pending-more').textContent = more > 0 ? `${more} more after these.` : '';
    $('pd-pending-list').replaceChildren(...view.pending.map(pendingItem));
    renderDesk();
    render();
  }

  function pendingItem(call) {
    const item = document.createElement('li');
    item.className = 'pd-pending-call';
    item.dataset.call = call.call_id;
    const saving = view.saving.has(call.call_id);
    if (saving) item.setAttribute('aria-busy', 'true');
    const who = document.createElement('div');
    who.className = 'pd-pending-who';
    who.textContent = [call.name, call.number].filter(Boolean).join(' · ') ||
      (call.direction === 'inbound' ? 'Inbound call' : 'Call');
    const about = document.createElement('div');
    about.className = 'pd-muted pd-pending-about';
    const when = call.ended_at ? new Date(call.ended_at) : null;
    about.textContent = [
      call.campaign || 'campaign gone',
      call.direction === 'inbound' ? 'inbound' : 'outbound',
      when && !Number.isNaN(when.getTime()) ? when.toLocaleString() : '',
    ].filter(Boolean).join(' · ');
    const buttons = document.createElement('div');
    buttons.className = 'pd-row pd-pending-options';
    buttons.setAttribute('role', 'group');
    buttons.setAttribute('aria-label', 'Disposition');
    for (const option of call.options || []) {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'pd-dispo secondary';
      button.dataset.disposition = option.name;
      if (option.callback) button.dataset.callback = 'true';
      button.textContent = option.callback ? `${option.name}…` : option.name;
      button.disabled = saving;
      buttons.append(button);
    }
    if (contacts.has(call.call_id)) {
      const show = document.createElement('button');
      show.type = 'button';
      show.className = 'pd-show-contact link';
      show.textContent = 'Contact';
      buttons.append(show);
    }
    if (!(call.options || []).length) {
      const none = document.createElement('span');
      none.className = 'pd-muted';
      none.textContent = 'No dispositions for this campaign now.';
      buttons.append(none);
    }
    item.append(who, about, buttons);
    if (view.callback && view.callback.callId === call.call_id) item.append(callbackForm(call, saving));
    const note = document.createElement('p');
    note.className = 'pd-pending-note';
    note.setAttribute('role', 'status');
    if (saving) {
      note.textContent = 'Saving…';
    } else if (view.failed.has(call.call_id)) {
      note.textContent = view.failed.get(call.call_id);
      note.classList.add('pd-pending-error');
    }
    item.append(note);
    return item;
  }

  // The callback's time, in the customer's zone (the engine names it), and for whom.
  function callbackForm(call, saving) {
    const form = view.callback;
    const box = document.createElement('div');
    box.className = 'pd-callback-form';
    box.setAttribute('role', 'group');
    box.setAttribute('aria-label', `${form.disposition}: when to call back`);
    const label = document.createElement('label');
    label.textContent = `Call back at (${call.zone || 'customer\'s time'}) `;
    const time = document.createElement('input');
    time.type = 'datetime-local';
    time.className = 'pd-callback-time';
    time.value = form.localTime;
    time.required = true;
    time.disabled = saving;
    label.append(time);
    box.append(label);
    for (const [value, text] of [['me', 'Only me'], ['anyone', 'Anyone']]) {
      const choice = document.createElement('label');
      const radio = document.createElement('input');
      radio.type = 'radio';
      radio.name = `pd-callback-who-${call.call_id}`;
      radio.className = 'pd-callback-who';
      radio.value = value;
      radio.checked = (value === 'me') === form.forMe;
      radio.disabled = saving;
      choice.append(radio, ` ${text}`);
      box.append(choice);
    }
    const save = document.createElement('button');
    save.type = 'button';
    save.className = 'pd-callback-save';
    save.dataset.disposition = form.disposition;
    save.textContent = `Save ${form.disposition}`;
    save.disabled = saving;
    const cancel = document.createElement('button');
    cancel.type = 'button';
    cancel.className = 'pd-callback-cancel link';
    cancel.textContent = 'Cancel';
    cancel.disabled = saving;
    box.append(save, cancel);
    return box;
  }

  function isCallActive() {
    return Boolean(view.call) && view.call.state !== 'ended';
  }

  // The status pill and the step bar, from one deskView() of the same state.
  function renderDesk() {
    const desk = deskView(view.status, view.call, { controls: view.controls, pending: view.count });
    $('pd-status').textContent = desk.pill.label;
    $('pd-status').dataset.status = desk.pill.status;
    const call = desk.call;
    $('pd-call').hidden = !call;
    if (!call) return;
    $('pd-call').querySelector('.pd-title').firstChild.textContent = `${call.title} `;
    $('pd-call-who').textContent = [view.call.name, view.call.number].filter(Boolean).join(' · ');
    $('pd-call-steps').replaceChildren(
      ...call.steps.map((step) => {
        const item = document.createElement('li');
        item.textContent = step.label;
        item.dataset.step = step.step;
        item.dataset.state = step.state;
        if (step.state === 'done' || step.state === 'current') item.className = step.state;
        if (step.state === 'current') item.setAttribute('aria-current', 'step');
        return item;
      }),
    );
    $('pd-call').dataset.state = call.state;
    $('pd-call').dataset.outcome = call.outcome;
    $('pd-call-result').textContent = call.result;
    $('pd-call-result').hidden = !call.result;
  }

  function renderCall() {
    renderDesk();
    render();
  }

  function renderAgentState(msg) {
    view.status = msg.status || 'idle';
    renderDesk();
    const campaigns = (msg.campaigns || []).map((c) => `${c.name} (${c.mode})`);
    $('pd-campaigns').textContent = campaigns.length ? campaigns.join(', ') : 'none';
    const queues = $('pd-queues');
    queues.replaceChildren();
    for (const queue of msg.queues || []) {
      const tag = document.createElement('span');
      tag.className = 'pd-queue';
      tag.dataset.paused = queue.paused ? 'true' : 'false';
      tag.textContent = queue.paused ? `${queue.name} (paused)` : queue.name;
      queues.append(tag);
    }
    if (!queues.childElementCount) queues.textContent = 'none';
  }

  function showError(text) {
    const item = document.createElement('li');
    const message = document.createElement('span');
    message.textContent = text;
    const close = document.createElement('button');
    close.type = 'button';
    close.className = 'link';
    close.setAttribute('aria-label', 'Dismiss');
    close.textContent = '×';
    item.append(message, close);
    $('pd-errors').append(item);
    while ($('pd-errors').childElementCount > MAX_ERRORS) $('pd-errors').firstElementChild.remove();
  }

  render();
}
