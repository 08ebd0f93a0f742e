// Shared page behaviour: confirmation of destructive forms, "select all" boxes.
document.addEventListener('submit', (event) => {
  const form = event.target.closest('form[data-confirm]');
  if (form && !window.confirm(form.dataset.confirm)) event.preventDefault();
});
document.addEventListener('change', (event) => {
  const all = event.target.closest('input[data-select-all]');
  if (!all) return;
  for (const box of document.querySelectorAll(`input[name="${all.dataset.selectAll}"]`)) box.checked = all.checked;
});
