// Paints the disposition colour swatches (the CSP forbids inline styles in the markup).
document.addEventListener('DOMContentLoaded', () => {
  for (const el of document.querySelectorAll('.pd-swatch[data-colour]')) el.style.backgroundColor = el.dataset.colour;
});
