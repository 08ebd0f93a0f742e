// CSV import: uploads the file in pieces, then has the server import it chunk by
// chunk, moving the progress bar and listing bad lines as they come.
document.addEventListener('DOMContentLoaded', () => {
  const form = document.getElementById('pd-import');
  if (!form) return;
  const PIECE = 1 << 20;
  // A file of mostly bad lines must not build a list the page cannot show.
  const MAX_LISTED = 1000;
  const token = document.querySelector('meta[name="csrf-token"]').content;
  const bar = document.getElementById('pd-import-bar');
  const status = document.getElementById('pd-import-status');
  const errorList = document.getElementById('pd-import-errors');
  const progress = document.getElementById('pd-import-progress');

  function show(percent, message) {
    const value = Math.max(0, Math.min(100, Math.round(percent)));
    bar.style.width = `${value}%`;
    bar.textContent = `${value}%`;
    progress.setAttribute('aria-valuenow', String(value));
    status.textContent = message;
  }

  async function post(url, body) {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'X-CSRF-Token': token, Accept: 'application/json', 'Content-Type': 'application/octet-stream' },
      body,
    });
    const data = await response.json().catch(() => ({ error: `server answered ${response.status}` }));
    if (!response.ok || data.error) throw new Error(data.error || `server answered ${response.status}`);
    return data;
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const file = form.querySelector('input[type=file]').files[0];
    if (!file) {
      status.textContent = 'Choose a CSV file first.';
      return;
    }
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    errorList.replaceChildren();
    progress.hidden = false;
    try {
      const { id } = await post('import.php?action=start', '');
      for (let at = 0; at < file.size; at += PIECE) {
        await post(`import.php?action=append&id=${id}`, file.slice(at, at + PIECE));
        show((10 * Math.min(file.size, at + PIECE)) / file.size, `Uploading… ${Math.min(file.size, at + PIECE)} of ${file.size} bytes`);
      }
      let result;
      let listed = 0;
      const more = document.createElement('li');
      more.className = 'fw-bold';
      do {
        result = await post(`import.php?action=chunk&id=${id}`, '');
        for (const e of result.errors) {
          if (listed++ >= MAX_LISTED) continue;
          const li = document.createElement('li');
          li.textContent = `Line ${e.line}: ${e.reason}`;
          errorList.append(li);
        }
        if (listed > MAX_LISTED) {
          more.textContent = `…and ${listed - MAX_LISTED} more bad lines not listed.`;
          errorList.append(more);
        }
        const share = result.size > 0 ? result.offset / result.size : 1;
        show(10 + 90 * share, `Importing… ${result.lines} lines read, ${result.added} contacts added, ${result.bad} bad lines`);
      } while (!result.done);
      // The server's notes: the encoding it read the file in, duplicates skipped, numbers tidied.
      show(100, [`Import finished: ${result.lines} lines read, ${result.added} contacts added, ${result.bad} bad lines.`, ...result.notes].join(' '));
      if (result.groups.length) {
        status.append(' See the group: ');
        result.groups.forEach((name, i) => {
          const link = document.createElement('a');
          link.href = `groups.php?${new URLSearchParams({ group: name })}`;
          link.textContent = name;
          status.append(...(i ? [', ', link] : [link]));
        });
      }
      status.dataset.done = '1';
    } catch (e) {
      status.textContent = `Import stopped: ${e.message}`;
    } finally {
      button.disabled = false;
    }
  });
});
