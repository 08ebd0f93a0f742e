// Screen pop: the contact card of the call the agent is on, or has yet to tag
// (contact.card / contact.clear, docs/panel-protocol.md). Shows the live
// call's card, else the oldest card still to tag, or the one the agent picked
// in the list of calls to tag. The card's HTML comes rendered and escaped by
// the plugin (the preview template without Dial); every other text - name,
// number, variables, script - goes in as textContent, and the CRM link only
// when it is http(s).

export function mountContacts(section) {
  const cards = new Map();  // call id -> contact.card, in arrival order
  let picked = null;        // call id the agent chose to see

  function safeUrl(text) {
    try {
      const url = new URL(text);
      return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : '';
    } catch {
      return '';
    }
  }

  function shown() {
    if (picked && cards.has(picked)) return cards.get(picked);
    const all = [...cards.values()];
    const live = all.filter((card) => card.live);
    return live.length ? live[live.length - 1] : all[0] || null;
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function render() {
    const card = shown();
    section.hidden = !card;
    if (!card) {
      section.replaceChildren();
      delete section.dataset.call;
      return;
    }
    section.dataset.call = card.call_id;
    section.dataset.live = card.live ? 'true' : 'false';
    section.dataset.direction = card.direction || 'outbound';
    const heading = el('h2', 'pd-title', card.live ? 'On the line' : 'Contact of the call to tag');
    const about = el('p', 'pd-muted pd-contact-about',
      [card.campaign, card.direction === 'inbound' ? 'inbound call' : 'outbound call'].filter(Boolean).join(' · '));
    const body = el('div', 'pd-contact-card');
    if (card.html) {
      // Rendered and escaped by the plugin (ctemplate auto-escaping), like the preview card.
      body.innerHTML = card.html;
    } else {
      body.append(el('h2', 'pd-name', card.name || (card.direction === 'inbound' ? 'Inbound caller' : '')),
        el('p', 'pd-number', card.number || 'Number not known'));
    }
    const parts = [heading, about, body];
    const variables = card.variables || [];
    if (variables.length) {
      const list = el('dl', 'pd-contact-vars');
      for (const variable of variables) {
        const row = el('div', 'pd-contact-var');
        row.dataset.name = variable.name;
        row.append(el('dt', '', variable.name), el('dd', '', variable.value));
        list.append(row);
      }
      parts.push(list);
    }
    const url = card.crm_url ? safeUrl(card.crm_url) : '';
    if (url) {
      const link = el('a', 'pd-crm-link', 'Open in CRM');
      link.href = url;
      link.target = '_blank';
      link.rel = 'noopener noreferrer';
      parts.push(el('p', 'pd-crm'));
      parts[parts.length - 1].append(link);
    } else if (card.crm_error) {
      parts.push(el('p', 'pd-muted pd-crm-error', `CRM link not shown: ${card.crm_error}`));
    }
    if (card.script) {
      const details = el('details', 'pd-script-box');
      details.open = true;
      details.append(el('summary', '', 'Script'), el('pre', 'pd-script pd-contact-script', card.script));
      parts.push(details);
    }
    section.replaceChildren(...parts);
  }

  return {
    card(msg) {
      if (!msg || !msg.call_id) return;
      cards.delete(msg.call_id);  // a newer copy goes last
      cards.set(msg.call_id, msg);
      if (msg.live) picked = null;  // a call that just reached the agent comes first
      render();
    },
    clear(callId) {
      if (!cards.delete(callId)) return;
      if (picked === callId) picked = null;
      render();
    },
    has(callId) {
      return cards.has(callId);
    },
    pick(callId) {
      if (!cards.has(callId)) return;
      picked = callId;
      render();
    },
  };
}
