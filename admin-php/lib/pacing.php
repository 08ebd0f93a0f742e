<?php
declare(strict_types=1);

require_once __DIR__ . '/colours.php';

// The dashboard's live pacing figures (dialer_campaign_status, migration 0018)
// and its chart over the day (dialer_pacing_samples, a row a minute). The
// engine computes the figures (pd::core::PacingFigures); these pages only show them.

/**
 * The day chart's series: name => [column of dialer_pacing_samples, axis].
 * The dial level (calls per agent) has its own axis; the rest are percentages.
 * Each series is drawn in the colour of its name (pd_series_colour), never by
 * its position: a series missing from one campaign does not shift the others.
 */
const PD_PACING_SERIES = [
    'Dial level' => ['dial_level', 'level'],
    'Answer rate %' => ['answer_rate_pct', 'pct'],
    'Abandonment rate %' => ['abandon_rate_pct', 'pct'],
    'Abandonment target %' => ['abandon_target_pct', 'pct'],
    'Agent occupancy %' => ['occupancy_pct', 'pct'],
];

const PD_SERIES_COLOURS = [
    'Dial level' => '#0d6efd',
    'Answer rate %' => '#198754',
    'Abandonment rate %' => '#dc3545',
    'Abandonment target %' => '#6c757d',
    'Agent occupancy %' => '#6f42c1',
];

/** The colour of a chart series, by its name (a name not listed gets its hashed colour). */
function pd_series_colour(string $name): string
{
    return PD_SERIES_COLOURS[$name] ?? pd_disposition_colour($name);
}

/** SQL aggregates of the figures over the fresh status rows of a campaign (one per engine). */
const PD_PACING_STATUS_SQL = 'COUNT(*) AS engines, AVG(dial_level) AS dial_level, AVG(answer_rate_pct) AS answer_rate_pct,
    MAX(abandon_rate_pct) AS abandon_rate_pct, SUM(abandoned_in_window) AS abandoned, SUM(answered_in_window) AS answered,
    MIN(abandon_target_pct) AS abandon_target_pct, AVG(occupancy_pct) AS occupancy_pct, MAX(predictive_fallback) AS fallback';

/**
 * The live figures of a campaign from its fresh status aggregates (null: no
 * engine reports it). With one engine its own rate; with several, the rate of
 * their summed counts. Numbers as the page shows them, plus raw values.
 */
function pd_pacing_view(?array $status): ?array
{
    if ($status === null) {
        return null;
    }
    $answered = (int) $status['answered'];
    $abandoned = (int) $status['abandoned'];
    $rate = (int) $status['engines'] > 1 && $answered > 0 ? 100 * $abandoned / $answered : (float) $status['abandon_rate_pct'];
    $target = (float) $status['abandon_target_pct'];
    return [
        'dial_level' => number_format((float) $status['dial_level'], 2, '.', ''),
        'answer_rate' => pd_percent((float) $status['answer_rate_pct']),
        'abandon_rate' => pd_percent($rate),
        'abandon_target' => pd_percent($target),
        'abandoned' => $abandoned,
        'answered' => $answered,
        'over_target' => $rate >= $target && $target > 0,
        'occupancy' => pd_percent((float) $status['occupancy_pct']),
        'fallback' => (bool) $status['fallback'],
    ];
}

/** "2.45 %", "3 %" (pd_number, two decimals). */
function pd_percent(float $value): string
{
    return pd_number($value, 2) . ' %';
}

/**
 * Each campaign's chart over its day (since local midnight in the campaign's
 * zone): labels "HH:MM" (local) and one series per PD_PACING_SERIES name with
 * its colour and axis. At most 1440 points a campaign (a sample a minute;
 * several engines' samples of one minute are merged).
 *
 * @param list<array{id:int|string,time_zone:string}> $campaigns
 * @return array<int,array{labels:list<string>,series:list<array{name:string,colour:string,axis:string,values:list<float>}>}>
 */
function pd_pacing_charts(array $campaigns, DateTimeImmutable $now): array
{
    if ($campaigns === []) {
        return [];
    }
    $starts = [];
    foreach ($campaigns as $c) {
        $zone = pd_zone($c['time_zone']);
        $starts[(int) $c['id']] = [$now->setTimezone($zone)->setTime(0, 0)->setTimezone(new DateTimeZone('UTC'))->format('Y-m-d H:i:s'), $zone];
    }
    $earliest = min(array_column($starts, 0));
    $rows = pd_query('SELECT campaign_id, minute_at, AVG(dial_level) AS dial_level, AVG(answer_rate_pct) AS answer_rate_pct,
          MAX(abandon_rate_pct) AS abandon_rate_pct, MIN(abandon_target_pct) AS abandon_target_pct, AVG(occupancy_pct) AS occupancy_pct
        FROM dialer_pacing_samples WHERE minute_at >= ? GROUP BY campaign_id, minute_at ORDER BY campaign_id, minute_at', [$earliest]);
    $charts = [];
    foreach ($rows as $row) {
        $id = (int) $row['campaign_id'];
        if (!isset($starts[$id]) || $row['minute_at'] < $starts[$id][0]) {
            continue;
        }
        $charts[$id]['labels'][] = (new DateTimeImmutable($row['minute_at'], new DateTimeZone('UTC')))->setTimezone($starts[$id][1])->format('H:i');
        foreach (PD_PACING_SERIES as $name => [$column]) {
            $charts[$id]['values'][$name][] = round((float) $row[$column], 3);
        }
    }
    $out = [];
    foreach ($starts as $id => $_) {
        $series = [];
        foreach (PD_PACING_SERIES as $name => [, $axis]) {
            $series[] = ['name' => $name, 'colour' => pd_series_colour($name), 'axis' => $axis, 'values' => $charts[$id]['values'][$name] ?? []];
        }
        $out[$id] = ['labels' => $charts[$id]['labels'] ?? [], 'series' => $series];
    }
    return $out;
}
