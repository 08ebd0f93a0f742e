// The browser side of the panel WebSocket, shared by every plugin panel.
//   const client = new PanelClient();
//   client.on('preview.card', msg => ...);    // one JSON message type
//   client.onStatus(status => ...);           // 'connecting' | 'open' | 'reconnecting' | 'ended'
//   client.connect();  client.send({type: 'preview.dial', lead: 7});
// It reconnects with backoff (0.5 s doubling to 15 s, with jitter), sends
// `state.request` after every (re)connect so the panel gets the full state
// again, and when the server no longer knows the session (host restarted,
// logged out elsewhere, expired) it calls onSessionEnded(message) and stops.

const MIN_DELAY_MS = 500;
const MAX_DELAY_MS = 15000;

export class PanelClient {
  constructor({ url = defaultUrl(), sessionUrl = '/api/session', onSessionEnded = () => {} } = {}) {
    this.url = url;
    this.sessionUrl = sessionUrl;
    this.onSessionEnded = onSessionEnded;
    this.handlers = new Map();
    this.statusHandlers = [];
    this.socket = null;
    this.delay = MIN_DELAY_MS;
    this.timer = null;
    this.stopped = false;
    this.status = 'connecting';
  }

  on(type, handler) {
    if (!this.handlers.has(type)) this.handlers.set(type, []);
    this.handlers.get(type).push(handler);
    return this;
  }

  onStatus(handler) {
    this.statusHandlers.push(handler);
    handler(this.status, null);
    return this;
  }

  // True when the message went out; false while disconnected (nothing is queued:
  // an action taken while offline must be taken again, knowingly).
  send(message) {
    if (!this.socket || this.socket.readyState !== WebSocket.OPEN) return false;
    this.socket.send(JSON.stringify(message));
    return true;
  }

  connect() {
    this.stopped = false;
    clearTimeout(this.timer);
    const socket = new WebSocket(this.url);
    this.socket = socket;
    let opened = false;
    socket.addEventListener('open', () => {
      opened = true;
      this.delay = MIN_DELAY_MS;
      this.setStatus('open');
      this.send({ type: 'state.request' });
    });
    socket.addEventListener('message', (event) => this.dispatch(event.data));
    socket.addEventListener('close', () => {
      if (this.socket !== socket || this.stopped) return;
      this.socket = null;
      // A refused handshake and a restarted host look the same from here:
      // ask the server whether the session still exists before retrying.
      this.checkSession(opened);
    });
  }

  close() {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.socket) this.socket.close(1000, 'logout');
    this.socket = null;
  }

  async checkSession(wasOpen) {
    let known = true;
    try {
      const response = await fetch(this.sessionUrl, { credentials: 'same-origin', cache: 'no-store' });
      known = response.status !== 401;
    } catch {
      known = true;  // host unreachable: keep trying, the session may still be valid
    }
    if (this.stopped) return;
    if (!known) {
      this.stopped = true;
      this.setStatus('ended', null);
      this.onSessionEnded(wasOpen
        ? 'Your session has ended: the host restarted or you were logged out. Please log in again.'
        : 'Your session is no longer valid. Please log in again.');
      return;
    }
    this.scheduleReconnect();
  }

  scheduleReconnect() {
    const jitter = 0.8 + Math.random() * 0.4;
    const wait = Math.round(this.delay * jitter);
    this.delay = Math.min(this.delay * 2, MAX_DELAY_MS);
    this.setStatus('reconnecting', wait);
    this.timer = setTimeout(() => this.connect(), wait);
  }

  setStatus(status, detail = null) {
    this.status = status;
    for (const handler of this.statusHandlers) handler(status, detail);
  }

  dispatch(text) {
    let message;
    try {
      message = JSON.parse(text);
    } catch {
      console.warn('panel: a message that is not JSON was dropped');
      return;
    }
    if (!message || typeof message.type !== 'string') return;
    for (const handler of [...(this.handlers.get(message.type) || []), ...(this.handlers.get('*') || [])]) {
      try {
        handler(message);
      } catch (error) {
        console.error(`panel: handler for ${message.type} failed`, error);
      }
    }
  }
}

function defaultUrl() {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/ws`;
}
