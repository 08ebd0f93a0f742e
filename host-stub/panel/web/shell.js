// The host's web shell: login, then every plugin panel the host lists
// (GET /api/session → panels[]), all sharing one PanelClient. A panel module
// exports mount(container, client, session).
import { PanelClient } from '/panel-client.js';

const $ = (id) => document.getElementById(id);
let client = null;

async function fetchSession() {
  try {
    const response = await fetch('/api/session', { credentials: 'same-origin', cache: 'no-store' });
    return response.ok ? await response.json() : null;
  } catch {
    return null;
  }
}

function showLogin(notice = '') {
  $('app').hidden = true;
  $('panels').replaceChildren();
  $('login').hidden = false;
  $('login-notice').textContent = notice;
  $('login-notice').hidden = !notice;
  $('login-error').hidden = true;
  $('login-secret').value = '';
  $('login-submit').disabled = false;
  ($('login-extension').value ? $('login-secret') : $('login-extension')).focus();
}

function showLoginError(message) {
  $('login-error').textContent = message;
  $('login-error').hidden = false;
  $('login-submit').disabled = false;
  $('login-secret').select();
  $('login-secret').focus();
}

async function login(event) {
  event.preventDefault();
  const extension = $('login-extension').value.trim();
  const secret = $('login-secret').value;
  if (!extension || !secret) return showLoginError('Enter your extension and your secret.');
  $('login-submit').disabled = true;
  $('login-error').hidden = true;
  let response;
  try {
    response = await fetch('/api/login', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ extension, secret }),
    });
  } catch {
    return showLoginError('Cannot reach the panel host. Check your connection and try again.');
  }
  const body = await response.json().catch(() => ({}));
  if (!response.ok) return showLoginError(body.error || `Login failed (HTTP ${response.status}).`);
  const session = await fetchSession();
  if (!session) return showLoginError('Logged in, but the session was refused. Try again.');
  start(session);
}

const STATUS_TEXT = {
  connecting: () => 'Connecting…',
  open: () => 'Connected',
  reconnecting: (wait) => `Connection lost — retrying in ${Math.max(1, Math.round(wait / 1000))} s…`,
  ended: () => 'Session ended',
};

async function start(session) {
  $('login').hidden = true;
  $('app').hidden = false;
  $('agent-name').textContent = `${session.name || 'Agent'} (${session.agent})`;
  client = new PanelClient({
    onSessionEnded: (message) => {
      client = null;
      showLogin(message);
    },
  });
  client.onStatus((status, detail) => {
    $('connection').dataset.state = status;
    $('connection').textContent = STATUS_TEXT[status](detail);
  });
  const container = $('panels');
  container.replaceChildren();
  for (const panel of session.panels || []) {
    const section = document.createElement('section');
    section.className = 'plugin-panel';
    section.dataset.plugin = panel.id;
    container.append(section);
    try {
      if (panel.style) {
        const link = document.createElement('link');
        link.rel = 'stylesheet';
        link.href = panel.style;
        document.head.append(link);
      }
      const module = await import(panel.script);
      module.mount(section, client, session);
    } catch (error) {
      section.textContent = `The ${panel.id} panel could not be loaded: ${error.message}`;
      section.classList.add('error');
    }
  }
  if (!session.panels || session.panels.length === 0) {
    container.textContent = 'No plugin panel is installed on this host.';
  }
  client.connect();
}

async function logout() {
  if (client) client.close();
  client = null;
  try {
    await fetch('/api/logout', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });
  } catch {
    // The cookie stays, but the socket is closed; the next login replaces it.
  }
  showLogin('You are logged out.');
}

$('login-form').addEventListener('submit', login);
$('logout').addEventListener('click', logout);
const session = await fetchSession();
if (session) start(session);
else showLogin();
