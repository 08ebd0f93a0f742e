// Campaign form: the destination chooser fills the manual destination fields,
// and progressive/preview are only offered with a queue destination (their pace
// follows the queue's free agents). The server checks the same rule.
document.addEventListener('DOMContentLoaded', () => {
  const chooser = document.getElementById('f-chooser');
  const kind = document.getElementById('f-destination_kind');
  const mode = document.getElementById('f-mode');
  if (!kind || !mode) return;

  function offerModes() {
    const queue = kind.value === 'queue';
    for (const option of mode.options) {
      if (option.value !== 'automatic') option.disabled = !queue;
    }
    if (!queue && mode.value !== 'automatic') mode.value = 'automatic';
  }

  kind.addEventListener('change', offerModes);
  chooser?.addEventListener('change', () => {
    const option = chooser.selectedOptions[0];
    if (!option || option.value === '') return;
    kind.value = option.dataset.kind;
    document.getElementById('f-destination').value = option.value;
    document.getElementById('f-queue_name').value = option.dataset.queue;
    offerModes();
  });
  // A form sent back with errors keeps the admin's (server-refused) choice visible.
  if (!mode.classList.contains('is-invalid')) offerModes();
});
