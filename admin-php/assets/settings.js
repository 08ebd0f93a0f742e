// Warns while the admin types when the preview template has no Dial button
// (the server refuses to save it; lib/preview_check.php holds the rule).
document.addEventListener('DOMContentLoaded', () => {
  const field = document.getElementById('f-preview_template');
  const warning = document.getElementById('pd-dialbutton-warning');
  if (!field || !warning) return;
  const check = () => {
    warning.hidden = ['{DIALBUTTON|s}', '{DIALERBUTTON|s}', '{{DIALBUTTON:none}}', '{{DIALERBUTTON:none}}'].some((p) => field.value.includes(p));
  };
  field.addEventListener('input', check);
  check();
});
