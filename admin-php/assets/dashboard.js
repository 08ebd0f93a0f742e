// Keeps the dashboard current: polls dashboard-data.php and updates the cards in place.
(() => {
  'use strict';
  const POLL_MS = 3000;
  const STATE_CLASS = { active: 'text-bg-success', inactive: 'text-bg-warning', expired: 'text-bg-danger' };
  // The card's two breakdowns: data field -> data-role of its table.
  const BREAKDOWNS = { dispositions: 'dispositions', agent_dispositions: 'agent-dispositions' };
  const TOTALS = { dispositions: 'finished', agent_dispositions: 'agent_tagged' };
  const charts = new Map();

  // Colours come from the server (pd_disposition_colour): fixed per name, so a
  // name has the same colour in every campaign and after every refresh.
  function drawChart(canvas, rows) {
    if (!canvas || typeof Chart === 'undefined') return;
    const labels = rows.map((d) => d.disposition);
    const values = rows.map((d) => d.count);
    const colours = rows.map((d) => d.colour);
    let chart = charts.get(canvas);
    if (!chart) {
      chart = new Chart(canvas, {
        type: 'doughnut',
        data: { labels, datasets: [{ data: values, backgroundColor: colours }] },
        options: { animation: false, plugins: { legend: { position: 'bottom' } } },
      });
      charts.set(canvas, chart);
      return;
    }
    chart.data.labels = labels;
    chart.data.datasets[0].data = values;
    chart.data.datasets[0].backgroundColor = colours;
    chart.update();
  }

  // The pacing chart over the day: one line per series, each in the colour
  // the server gives its name (pd_series_colour), matched to the chart's
  // datasets by name, never by position.
  const dayCharts = new Map();
  function drawDayChart(canvas, chart) {
    if (!canvas || typeof Chart === 'undefined') return;
    const dataset = (s) => ({
      label: s.name,
      data: s.values,
      borderColor: s.colour,
      backgroundColor: s.colour,
      yAxisID: s.axis === 'level' ? 'level' : 'pct',
      pointRadius: 0,
      borderWidth: 2,
    });
    let drawn = dayCharts.get(canvas);
    if (!drawn) {
      drawn = new Chart(canvas, {
        type: 'line',
        data: { labels: chart.labels, datasets: chart.series.map(dataset) },
        options: {
          animation: false,
          maintainAspectRatio: false,
          interaction: { mode: 'index', intersect: false },
          scales: {
            pct: { type: 'linear', position: 'left', min: 0, title: { display: true, text: '%' } },
            level: { type: 'linear', position: 'right', min: 0, grid: { drawOnChartArea: false }, title: { display: true, text: 'dial level' } },
          },
          plugins: { legend: { position: 'bottom', labels: { boxWidth: 12 } } },
        },
      });
      dayCharts.set(canvas, drawn);
      return;
    }
    const byName = new Map(chart.series.map((s) => [s.name, s]));
    drawn.data.labels = chart.labels;
    drawn.data.datasets = drawn.data.datasets.filter((d) => byName.has(d.label));
    for (const s of chart.series) {
      const existing = drawn.data.datasets.find((d) => d.label === s.name);
      if (existing) Object.assign(existing, dataset(s));
      else drawn.data.datasets.push(dataset(s));
    }
    drawn.update();
  }

  // The live figures; the section shows while an engine reports them or the
  // day has samples.
  function updatePacing(card, p, chart) {
    const section = card.querySelector('[data-role="pacing"]');
    if (!section) return;
    if (chart) section.dataset.samples = String(chart.labels.length);
    section.hidden = !p && !(Number(section.dataset.samples || 0) > 0);
    if (p) {
      text(section, 'dial-level', p.dial_level);
      text(section, 'answer-rate', p.answer_rate);
      text(section, 'abandon-rate', p.abandon_rate);
      text(section, 'abandon-target', p.abandon_target);
      text(section, 'abandoned', p.abandoned);
      text(section, 'answered', p.answered);
      text(section, 'occupancy', p.occupancy);
      section.querySelector('[data-role="abandon-rate"]').className = p.over_target ? 'text-danger fw-semibold' : '';
    }
    section.querySelector('[data-role="fallback"]').hidden = !(p && p.fallback);
    // No sample today yet: no empty chart.
    const box = section.querySelector('.pd-day-chart');
    box.hidden = !(Number(section.dataset.samples || 0) > 0);
    if (chart && !box.hidden) drawDayChart(box.querySelector('canvas[data-chart="pacing"]'), chart);
  }

  function paintSwatches(root) {
    for (const el of root.querySelectorAll('.pd-swatch[data-colour]')) el.style.backgroundColor = el.dataset.colour;
  }

  function breakdownRow(d) {
    const tr = document.createElement('tr');
    const name = document.createElement('td');
    const swatch = document.createElement('span');
    swatch.className = 'pd-swatch';
    swatch.dataset.colour = d.colour;
    swatch.setAttribute('aria-hidden', 'true');
    name.append(swatch, d.disposition);
    tr.append(name);
    for (const v of [d.count, `${d.percent.toFixed(1)}%`]) {
      const td = document.createElement('td');
      td.textContent = String(v);
      tr.append(td);
    }
    return tr;
  }

  function updateBreakdown(card, key, rows, total) {
    const section = card.querySelector(`[data-breakdown="${key}"]`);
    if (!section) return;
    const role = BREAKDOWNS[key];
    section.querySelector(`[data-role="${role}"]`).replaceChildren(...rows.map(breakdownRow));
    section.querySelector(`[data-role="${role}-total"]`).textContent = String(total);
    section.querySelector(`[data-role="${role}-empty"]`).hidden = rows.length > 0;
    paintSwatches(section);
    drawChart(section.querySelector('canvas'), rows);
  }

  function text(card, role, value) {
    const el = card.querySelector(`[data-role="${role}"]`);
    if (el) el.textContent = String(value);
  }

  function updateCard(card, c) {
    const badge = card.querySelector('[data-role="state"]');
    badge.className = `badge pd-state ${STATE_CLASS[c.state]}`;
    badge.textContent = c.state;
    text(card, 'total', c.total);
    text(card, 'time-left', c.time_left_today);
    text(card, 'active-calls', c.active_calls);
    text(card, 'queued-calls', c.queued_calls);
    for (const role of ['queued-calls', 'queued-calls-label']) {
      const el = card.querySelector(`[data-role="${role}"]`);
      if (el) el.hidden = !(c.queued_calls > 0);
    }
    text(card, 'problem-text', c.problem);
    text(card, 'problem-since', c.problem_since);
    card.querySelector('[data-role="problem"]').hidden = c.problem === '';
    for (const key of Object.keys(BREAKDOWNS)) updateBreakdown(card, key, c[key], c[TOTALS[key]]);
    updatePacing(card, c.pacing, c.pacing_chart);
  }

  function render(data) {
    const dot = document.querySelector('#pd-engine .pd-engine-dot');
    dot.className = `pd-engine-dot ${data.engine_up ? 'pd-engine-up' : 'pd-engine-down'}`;
    document.querySelector('#pd-engine [data-role="engine-text"]').textContent = data.engine_up ? 'running' : 'not running';
    document.querySelector('#pd-engine [data-role="updated"]').textContent = data.generated_at;
    const health = document.querySelector('#pd-engine-health');
    health.querySelector('[data-role="pbx-down"]').hidden = !data.engine_health.pbx_down;
    // Only changed text is written: an alert is read out again when its text changes.
    const refused = {
      'writes-refused-count': data.engine_health.writes_refused_label,
      'write-error': data.engine_health.last_write_error,
      'write-error-ago': data.engine_health.last_write_error_ago,
    };
    for (const [role, value] of Object.entries(refused)) {
      const el = health.querySelector(`[data-role="${role}"]`);
      if (el.textContent !== value) el.textContent = value;
    }
    health.querySelector('[data-role="writes-refused"]').hidden = data.engine_health.writes_refused === 0;
    // Calls queued behind panelhost's AMI rate cap, and a cap below the setting.
    const queue = {
      'calls-queued-count': data.engine_health.calls_queued_label,
      'ami-rate': data.engine_health.ami_rate,
      'rate-note': data.engine_health.rate_note,
    };
    for (const [role, value] of Object.entries(queue)) {
      const el = health.querySelector(`[data-role="${role}"]`);
      if (el.textContent !== value) el.textContent = value;
    }
    health.querySelector('[data-role="calls-queued"]').hidden = data.engine_health.calls_queued === 0;
    health.querySelector('[data-role="rate-note"]').hidden = data.engine_health.rate_note === '';
    const known = new Set();
    for (const c of data.campaigns) {
      const card = document.querySelector(`[data-campaign-id="${c.id}"]`);
      if (card) updateCard(card, c);
      known.add(String(c.id));
    }
    // A campaign added or removed elsewhere: reload to get the new card layout.
    const shown = [...document.querySelectorAll('[data-campaign-id]')].map((el) => el.dataset.campaignId);
    if (shown.length !== known.size || shown.some((id) => !known.has(id))) window.location.reload();
  }

  // The day charts change once a minute (a sample a minute): asked for with
  // every CHART_EVERY-th poll, not every one.
  const CHART_EVERY = 20;
  let polls = 0;
  async function poll() {
    try {
      polls += 1;
      const address = polls % CHART_EVERY === 0 ? 'dashboard-data.php?charts=1' : 'dashboard-data.php';
      const response = await fetch(address, { headers: { Accept: 'application/json' }, cache: 'no-store' });
      // Logged out elsewhere (or the session expired): the reload lands on the login page.
      if (response.status === 401) {
        window.location.reload();
        return;
      }
      if (response.ok) render(await response.json());
    } catch (e) {
      // Server briefly unreachable: try again on the next tick.
    }
    setTimeout(poll, POLL_MS);
  }

  document.addEventListener('DOMContentLoaded', () => {
    paintSwatches(document);
    fetch('dashboard-data.php?charts=1', { headers: { Accept: 'application/json' } })
      .then((r) => r.json()).then(render).catch(() => {});
    setTimeout(poll, POLL_MS);
  });
})();
