<?php
declare(strict_types=1);

require_once __DIR__ . '/colours.php';
require_once __DIR__ . '/pacing.php';

const PD_ENGINE_FRESH_SECONDS = 15;

/** The states a number ends in: the engine's results are counted over these. */
const PD_FINISHED_STATES = ['done', 'failed', 'closed', 'dnc', 'unknown'];

/**
 * The result a finished number is counted under: its disposition, or for a
 * number that has none, what its state says. A number the engine refused before
 * dialing it (a bad number or variable, migration 0005) ends 'failed' with
 * disposition 'Refused'; rows written before that have no disposition and 0
 * attempts, and count as 'Refused' too. Numbers found on the do-not-call list
 * and numbers closed (group by name, disabled) have none either.
 */
const PD_RESULT_LABEL_SQL = "COALESCE(disposition, CASE state WHEN 'dnc' THEN 'Do-not-call' WHEN 'closed' THEN 'Closed'
    WHEN 'unknown' THEN 'Unknown' WHEN 'failed' THEN IF(attempts = 0, 'Refused', 'Failed') ELSE 'Done' END)";

/** 'active' (enabled, within its dates), 'inactive' (disabled or not started) or 'expired'. */
function pd_campaign_state(array $campaign, DateTimeImmutable $now): string
{
    $today = $now->setTimezone(pd_zone($campaign['time_zone']))->format('Y-m-d');
    if ($campaign['end_date'] !== null && $campaign['end_date'] < $today) {
        return 'expired';
    }
    if (!$campaign['enabled'] || ($campaign['start_date'] !== null && $campaign['start_date'] > $today)) {
        return 'inactive';
    }
    return 'active';
}

function pd_zone(string $name): DateTimeZone
{
    try {
        return new DateTimeZone($name);
    } catch (Exception) {
        return new DateTimeZone('UTC');
    }
}

/**
 * Seconds of today's calling window still ahead (in the campaign's time zone):
 * the rest of the window when inside it, the whole window when before it, 0 after
 * it or on a day the campaign does not call. A window with end <= start crosses midnight.
 */
function pd_seconds_left_today(array $campaign, DateTimeImmutable $now): int
{
    $local = $now->setTimezone(pd_zone($campaign['time_zone']));
    $days = explode(',', (string) $campaign['week_days']);
    $toSeconds = fn (string $hms) => array_sum(array_map(fn ($part, $scale) => (int) $part * $scale, explode(':', $hms) + [0, 0, 0], [3600, 60, 1]));
    $start = $toSeconds($campaign['start_hour']);
    $end = $toSeconds($campaign['end_hour']);
    $nowSeconds = $toSeconds($local->format('H:i:s'));
    $today = strtolower($local->format('D'));
    $yesterday = strtolower($local->modify('-1 day')->format('D'));
    $date = $local->format('Y-m-d');
    if (($campaign['end_date'] !== null && $campaign['end_date'] < $date) || ($campaign['start_date'] !== null && $campaign['start_date'] > $date)) {
        return 0;
    }
    if ($end > $start) {
        if (!in_array($today, $days, true) || $nowSeconds >= $end) {
            return 0;
        }
        return $end - max($nowSeconds, $start);
    }
    // Crosses midnight: the early part belongs to yesterday's window.
    if ($nowSeconds < $end && in_array($yesterday, $days, true)) {
        return $end - $nowSeconds;
    }
    if (!in_array($today, $days, true)) {
        return 0;
    }
    return 86400 - max($nowSeconds, $start);
}

function pd_format_duration(int $seconds): string
{
    return $seconds <= 0 ? 'none' : sprintf('%dh %02dm', intdiv($seconds, 3600), intdiv($seconds % 3600, 60));
}

/** "since 10:02:11 UTC (4 min)" for a problem that began at $since (UTC DATETIME text); '' when unknown. */
function pd_problem_since(?string $since, DateTimeImmutable $now): string
{
    if ($since === null || $since === '') {
        return '';
    }
    $began = new DateTimeImmutable($since, new DateTimeZone('UTC'));
    $minutes = intdiv(max(0, $now->getTimestamp() - $began->getTimestamp()), 60);
    $when = $began->format('Y-m-d') === $now->format('Y-m-d') ? $began->format('H:i:s') : $began->format('Y-m-d H:i:s');
    $for = $minutes < 60 ? $minutes . ' min' : sprintf('%dh %02dm', intdiv($minutes, 60), $minutes % 60);
    return 'since ' . $when . ' UTC (' . $for . ')';
}

/** "45 s ago", "12 min ago", "3h 05m ago" for a UTC DATETIME text; '' when unknown. */
function pd_time_ago(?string $at, DateTimeImmutable $now): string
{
    if ($at === null || $at === '') {
        return '';
    }
    $seconds = max(0, $now->getTimestamp() - (new DateTimeImmutable($at, new DateTimeZone('UTC')))->getTimestamp());
    if ($seconds < 60) {
        return $seconds . ' s ago';
    }
    $minutes = intdiv($seconds, 60);
    return $minutes < 60 ? $minutes . ' min ago' : sprintf('%dh %02dm ago', intdiv($minutes, 60), $minutes % 60);
}

/**
 * What the running engines (fresh heartbeats) report besides being alive:
 * 'pbx_down' when any has lost its AMI link; 'writes_refused', the call
 * records the database refused since each started (summed), with the newest
 * refusal's error and how long ago it came. Plain text: the page escapes it.
 */
/** "2500", "12.5": a rate without trailing zeros ($decimals at most). */
function pd_number(float $value, int $decimals = 1): string
{
    return rtrim(rtrim(number_format($value, $decimals, '.', ''), '0'), '.');
}

function pd_engine_health(DateTimeImmutable $now): array
{
    $beats = pd_query('SELECT ami_up, writes_refused, last_write_error, last_write_error_at, calls_queued, ami_rate, cps_ceiling FROM dialer_heartbeat WHERE last_beat >= UTC_TIMESTAMP(3) - INTERVAL ' . PD_ENGINE_FRESH_SECONDS . ' SECOND')->fetchAll();
    $pbxDown = false;
    $refused = 0;
    $last = null;
    // Calls queued behind panelhost's AMI rate cap (migration 0014,
    // docs/rates.md), and the lowest cap any engine's host reports.
    $queued = 0;
    $capped = null;
    foreach ($beats as $beat) {
        $pbxDown = $pbxDown || !$beat['ami_up'];
        $refused += (int) $beat['writes_refused'];
        $queued += (int) $beat['calls_queued'];
        if ($beat['cps_ceiling'] !== null && ($capped === null || (float) $beat['cps_ceiling'] < (float) $capped['cps_ceiling'])) {
            $capped = $beat;
        }
        if ((int) $beat['writes_refused'] > 0 && ($last === null || (string) $beat['last_write_error_at'] > (string) $last['last_write_error_at'])) {
            $last = $beat;
        }
    }
    $cps = (int) (pd_query("SELECT value FROM dialer_settings WHERE name = 'calls_per_second'")->fetchColumn() ?: 0);
    $ceiling = $capped !== null ? (float) $capped['cps_ceiling'] : null;
    $rateNote = '';
    if ($ceiling !== null && ($cps <= 0 || $cps > $ceiling)) {
        $rateNote = 'Calls per second is set to ' . ($cps <= 0 ? 'unlimited' : $cps) . ', but panelhost\'s AMI rate cap (ami.rate '
            . pd_number((float) $capped['ami_rate']) . ' actions a second, 2 a call) carries about ' . pd_number($ceiling)
            . ' calls a second: raise ami.rate in panelhost\'s configuration, or lower the setting.';
    }
    return [
        'calls_queued' => $queued,
        'calls_queued_label' => $queued . ($queued === 1 ? ' call' : ' calls'),
        'ami_rate' => $capped !== null ? pd_number((float) $capped['ami_rate']) : '',
        'rate_note' => $rateNote,
        'pbx_down' => $pbxDown,
        'writes_refused' => $refused,
        'writes_refused_label' => $refused . ($refused === 1 ? ' call record' : ' call records'),
        'last_write_error' => (string) ($last['last_write_error'] ?? ''),
        'last_write_error_ago' => pd_time_ago($last['last_write_error_at'] ?? null, $now),
    ];
}

/**
 * Everything the dashboard shows, from grouped (indexed) queries. With
 * $charts, each campaign's pacing chart over its day too (a sample a minute:
 * the page asks for it once a minute, not at every poll).
 */
function pd_dashboard_data(bool $charts = false): array
{
    $now = new DateTimeImmutable('now', new DateTimeZone('UTC'));
    $campaigns = pd_query('SELECT id, name, mode, enabled, start_date, end_date, start_hour, end_hour, week_days, time_zone FROM dialer_campaigns ORDER BY name')->fetchAll();
    $totals = pd_query('SELECT campaign_id, COUNT(*) AS n FROM dialer_numbers GROUP BY campaign_id')->fetchAll(PDO::FETCH_KEY_PAIR);
    $active = pd_query("SELECT campaign_id, COUNT(*) AS n FROM dialer_numbers WHERE state IN ('dialing','answered') GROUP BY campaign_id")->fetchAll(PDO::FETCH_KEY_PAIR);
    // The engine's results: every finished number once, refused ones included,
    // so the percentages add up to 100 % of the finished numbers.
    $results = [];
    $finished = "'" . implode("','", PD_FINISHED_STATES) . "'";
    foreach (pd_query('SELECT campaign_id, ' . PD_RESULT_LABEL_SQL . " AS result, COUNT(*) AS n FROM dialer_numbers WHERE state IN ($finished) GROUP BY campaign_id, result") as $row) {
        $results[$row['campaign_id']][$row['result']] = (int) $row['n'];
    }
    // What the agents chose (the agent tags, dialer_calls.agent_disposition):
    // one per tagged call, the campaign's outbound calls and the inbound calls
    // of its queue alike.
    $agentChoices = [];
    foreach (pd_query('SELECT campaign_id, agent_disposition, COUNT(*) AS n FROM dialer_calls WHERE agent_disposition IS NOT NULL GROUP BY campaign_id, agent_disposition') as $row) {
        $agentChoices[$row['campaign_id']][$row['agent_disposition']] = (int) $row['n'];
    }
    // What running engines report (fresh rows only): their own schedule arithmetic
    // and why a campaign cannot run. Without an engine the page computes the time itself.
    $status = [];
    $fresh = pd_query("SELECT campaign_id, MAX(seconds_left_today) AS left_s, MAX(problem) AS problem, MIN(CASE WHEN problem <> '' THEN problem_since END) AS problem_since, SUM(queued_calls) AS queued, " . PD_PACING_STATUS_SQL . " FROM dialer_campaign_status WHERE updated_at >= UTC_TIMESTAMP(3) - INTERVAL " . PD_ENGINE_FRESH_SECONDS . ' SECOND GROUP BY campaign_id');
    foreach ($fresh as $row) {
        $status[$row['campaign_id']] = $row;
    }
    $rows = [];
    foreach ($campaigns as $campaign) {
        $engineResults = pd_breakdown($results[$campaign['id']] ?? []);
        $agentDispositions = pd_breakdown($agentChoices[$campaign['id']] ?? []);
        $engine = $status[$campaign['id']] ?? null;
        $left = $engine !== null ? (int) $engine['left_s'] : pd_seconds_left_today($campaign, $now);
        $rows[] = [
            'id' => (int) $campaign['id'],
            'name' => $campaign['name'],
            'mode' => $campaign['mode'],
            'enabled' => (bool) $campaign['enabled'],
            'state' => pd_campaign_state($campaign, $now),
            'total' => (int) ($totals[$campaign['id']] ?? 0),
            'active_calls' => (int) ($active[$campaign['id']] ?? 0),
            // Handed to panelhost, waiting behind its AMI rate cap: not live yet.
            'queued_calls' => $engine !== null ? (int) $engine['queued'] : 0,
            'seconds_left_today' => $left,
            'time_left_today' => pd_format_duration($left),
            'dispositions' => $engineResults,
            'finished' => array_sum(array_column($engineResults, 'count')),
            'agent_dispositions' => $agentDispositions,
            'agent_tagged' => array_sum(array_column($agentDispositions, 'count')),
            'problem' => $engine !== null ? (string) $engine['problem'] : '',
            'problem_since' => $engine !== null ? pd_problem_since($engine['problem_since'], $now) : '',
            // The live pacing figures the engine reports (null: no engine runs it).
            'pacing' => pd_pacing_view($engine),
        ];
    }
    if ($charts) {
        $byId = pd_pacing_charts($campaigns, $now);
        foreach ($rows as &$row) {
            $row['pacing_chart'] = $byId[$row['id']];
        }
        unset($row);
    }
    $freshest = pd_query('SELECT TIMESTAMPDIFF(SECOND, MAX(last_beat), UTC_TIMESTAMP(3)) FROM dialer_heartbeat')->fetchColumn();
    return [
        'generated_at' => $now->format(DATE_ATOM),
        'engine_up' => $freshest !== null && $freshest !== false && (int) $freshest <= PD_ENGINE_FRESH_SECONDS,
        'engine_health' => pd_engine_health($now),
        'campaigns' => $rows,
    ];
}
