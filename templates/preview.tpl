<div class="pd-card">
  <h2 class="pd-name">{NAME}</h2>
  <p class="pd-number">{NUMBER}</p>
  {DIALBUTTON|s}
</div>
