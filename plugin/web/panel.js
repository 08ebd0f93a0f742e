// PanelDialer's agent panel: agent state, the preview card with Dial / Skip,
// call progress and the disposition prompt. Loaded by the host's shell, which
// calls mount(container, client, session); messages follow docs/panel-protocol.md.
//
// Rules that keep it hard to misuse:
// - one preview.dial per card: the first click disables Dial (and Skip) until
//   the card changes, or the plugin answers the dial with an error;
// - while a disposition is asked for, a new card waits behind it;
// - card HTML comes escaped from the plugin and is inserted as markup; every
//   other text (names, numbers, script, errors) goes in as textContent.

const STEPS = ['dialing', 'ringing', 'connected', 'ended'];
const STEP_LABEL = { dialing: 'Dialing', ringing: 'Ringing', connected: 'Connected', ended: 'Ended' };
const STATUS_LABEL = {
  idle: 'Idle',
  preview: 'Preview',
  dialing: 'Dialing',
  ringing: 'Ringing',
  connected: 'On a call',
  wrapup: 'Wrap-up',
};
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
    <form id="pd-disposition" class="pd-disposition" hidden novalidate>
      <label for="pd-disposition-select" class="pd-title">How did the call go?</label>
      <div class="pd-row">
        <select id="pd-disposition-select" required></select>
        <button id="pd-disposition-save" type="submit">Save</button>
      </div>
      <p id="pd-disposition-note" class="pd-muted" role="status"></p>
    </form>
    <section id="pd-card-area" class="pd-card-area" aria-label="Preview card" hidden>
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
  const $ = (id) => container.querySelector(`#${id}`);
  const view = {
    card: null,         // the preview.card shown
    dialSentFor: null,  // lead whose preview.dial went out
    skipSentFor: null,  // lead whose preview.skip went out
    heldCard: null,     // a card that arrived while a disposition is asked for
    call: null,         // last call.progress
    prompt: null,       // disposition.prompt waiting for an answer
    saving: false,
  };

  // ---- what the plugin says ------------------------------------------------
  client.on('agent.state', (msg) => renderAgentState(msg));
  client.on('preview.card', (msg) => {
    if (view.prompt) {
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
  client.on('disposition.prompt', (msg) => {
    const first = !view.prompt || view.prompt.call_id !== msg.call_id;
    view.prompt = msg;
    view.saving = false;
    if (first) fillDispositionOptions(msg.options || []);
    render();
    if (first) $('pd-disposition-select').focus();
  });
  client.on('disposition.saved', (msg) => {
    if (!view.prompt || view.prompt.call_id !== msg.call_id) return;
    view.prompt = null;
    view.saving = false;
    view.call = null;
    renderCall();
    if (view.heldCard) {
      const held = view.heldCard;
      view.heldCard = null;
      showCard(held);
    } else {
      render();
    }
  });
  client.on('error', (msg) => {
    if (msg.request === 'preview.dial') view.dialSentFor = null;
    if (msg.request === 'preview.skip') view.skipSentFor = null;
    if (msg.request === 'disposition.set') view.saving = false;
    showError(msg.message || 'Something went wrong.');
    render();
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
  $('pd-disposition').addEventListener('submit', (event) => {
    event.preventDefault();
    if (!view.prompt || view.saving) return;
    const choice = $('pd-disposition-select').value;
    if (!choice) {
      $('pd-disposition-note').textContent = 'Choose a disposition first.';
      $('pd-disposition-select').focus();
      return;
    }
    view.saving = true;
    render();
    if (!client.send({ type: 'disposition.set', call_id: view.prompt.call_id, disposition: choice })) {
      view.saving = false;
      showError('Not connected to the host: the disposition was not saved. Try again when connected.');
      render();
    }
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
    $('pd-script').textContent = msg.script || '';
    $('pd-script-box').hidden = !msg.script;
    render();
  }

  function render() {
    const hasCard = Boolean(view.card) && !view.prompt;
    $('pd-card-area').hidden = !hasCard;
    $('pd-waiting').hidden = hasCard || Boolean(view.prompt) || isCallActive();
    $('pd-held').hidden = !(view.prompt && view.heldCard);
    if (view.card) {
      const busy = view.dialSentFor === view.card.lead || view.skipSentFor === view.card.lead;
      for (const dial of $('pd-card').querySelectorAll('.pd-dial')) {
        dial.disabled = busy;
        if (view.dialSentFor === view.card.lead) dial.setAttribute('aria-busy', 'true');
        else dial.removeAttribute('aria-busy');
      }
      for (const id of ['pd-skip', 'pd-skip-return', 'pd-skip-close']) $(id).disabled = busy;
    }
    $('pd-disposition').hidden = !view.prompt;
    $('pd-disposition-select').disabled = view.saving;
    $('pd-disposition-save').disabled = view.saving;
    $('pd-disposition-note').textContent = view.saving ? 'Saving…' : '';
  }

  function isCallActive() {
    return Boolean(view.call) && view.call.state !== 'ended';
  }

  function renderCall() {
    const call = view.call;
    $('pd-call').hidden = !call;
    if (!call) return render();
    $('pd-call-who').textContent = [call.name, call.number].filter(Boolean).join(' · ');
    const reached = STEPS.indexOf(call.state);
    $('pd-call-steps').replaceChildren(
      ...STEPS.map((step, index) => {
        const item = document.createElement('li');
        item.textContent = STEP_LABEL[step];
        item.dataset.step = step;
        if (index < reached) item.className = 'done';
        if (index === reached) {
          item.className = 'current';
          item.setAttribute('aria-current', 'step');
        }
        return item;
      }),
    );
    $('pd-call').dataset.state = call.state;
    const result = call.state === 'ended' && call.dial_status ? `Result: ${call.dial_status}` : '';
    $('pd-call-result').textContent = result;
    $('pd-call-result').hidden = !result;
    render();
  }

  function fillDispositionOptions(options) {
    const select = $('pd-disposition-select');
    const placeholder = new Option('Choose…', '');
    placeholder.disabled = true;
    placeholder.selected = true;
    select.replaceChildren(placeholder, ...options.map((option) => new Option(option.name, option.name)));
  }

  function renderAgentState(msg) {
    const status = msg.status || 'idle';
    $('pd-status').textContent = STATUS_LABEL[status] || status;
    $('pd-status').dataset.status = status;
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
