<?php
declare(strict_types=1);

require_once __DIR__ . '/colours.php';

/** The longest range the Agents page sums over at once. */
const PD_AGENT_RANGE_MAX_DAYS = 366;

/** The orders the Agents page offers (name => label); calls by default. */
const PD_AGENT_SORTS = ['calls' => 'Calls', 'talk' => 'Talk time', 'agent' => 'Agent'];

/**
 * The zone the admin pages count days in: the dialer setting `admin_time_zone`
 * when it names a zone, else PHP's own (date.timezone; UTC when unset). The
 * dashboard counts a campaign's day in the campaign's zone; agents work across
 * campaigns, so their day is the admin's.
 */
function pd_admin_zone(): DateTimeZone
{
    $name = pd_setting('admin_time_zone', '');
    if ($name !== '' && in_array($name, DateTimeZone::listIdentifiers(), true)) {
        return new DateTimeZone($name);
    }
    return new DateTimeZone(date_default_timezone_get());
}

/** A Y-m-d date from a form, or null when it is not one (2026-02-30 included). */
function pd_parse_day(string $text, DateTimeZone $zone): ?DateTimeImmutable
{
    $day = DateTimeImmutable::createFromFormat('!Y-m-d', $text, $zone);
    return $day !== false && $day->format('Y-m-d') === $text ? $day : null;
}

/**
 * The range [from, to] (whole days in $zone) from the page's fields, or the
 * reason it is not valid. Empty fields: the last seven days, today included.
 *
 * @return array{from:DateTimeImmutable,to:DateTimeImmutable}|string
 */
function pd_agent_range(string $from, string $to, DateTimeImmutable $now): array|string
{
    $zone = $now->getTimezone();
    $today = $now->setTime(0, 0);
    if ($from === '' && $to === '') {
        return ['from' => $today->modify('-6 days'), 'to' => $today];
    }
    $start = pd_parse_day($from, $zone);
    $end = pd_parse_day($to, $zone);
    if ($start === null || $end === null) {
        $bad = $start === null ? ['From', $from] : ['To', $to];
        return sprintf('%s date "%s" is not a date: use YYYY-MM-DD.', $bad[0], $bad[1]);
    }
    if ($end < $start) {
        return sprintf('The range ends (%s) before it starts (%s).', $to, $from);
    }
    if ($start->diff($end)->days + 1 > PD_AGENT_RANGE_MAX_DAYS) {
        return sprintf('The range spans %d days; at most %d at once.', $start->diff($end)->days + 1, PD_AGENT_RANGE_MAX_DAYS);
    }
    return ['from' => $start, 'to' => $end];
}

/**
 * Per agent, the calls they took that started from $from (inclusive) to $to
 * (exclusive): count, talk time (answer to hang-up, seconds) and the
 * dispositions they chose (agent tags), ordered by $sort.
 *
 * Inbound calls are recorded only when the agent tags them (no answer time):
 * they count as calls with no talk time. Wrap-up and pause time are the
 * finished periods the engine recorded (dialer_agent_events) that started in
 * the range; one still running is not counted yet.
 *
 * @return list<array{agent:string,calls:int,talk_seconds:int,untagged:int,wrapup_seconds:int,wrapups:int,pause_seconds:int,pauses:int,dispositions:list<array>}>
 */
function pd_agent_activity(DateTimeImmutable $from, DateTimeImmutable $to, string $sort): array
{
    $utc = new DateTimeZone('UTC');
    $range = [$from->setTimezone($utc)->format('Y-m-d H:i:s.v'), $to->setTimezone($utc)->format('Y-m-d H:i:s.v')];
    $agents = [];
    $totals = pd_query("SELECT agent, COUNT(*) AS calls,
            COALESCE(SUM(CASE WHEN answered_at IS NOT NULL AND ended_at > answered_at THEN TIMESTAMPDIFF(SECOND, answered_at, ended_at) END), 0) AS talk
        FROM dialer_calls WHERE started_at >= ? AND started_at < ? AND agent IS NOT NULL AND agent <> ''
        GROUP BY agent", $range);
    foreach ($totals as $row) {
        $agents[(string) $row['agent']] = ['agent' => (string) $row['agent'], 'calls' => (int) $row['calls'],
            'talk_seconds' => (int) $row['talk'], 'untagged' => (int) $row['calls'], 'dispositions' => [],
            'wrapups' => 0, 'wrapup_seconds' => 0, 'pauses' => 0, 'pause_seconds' => 0];
    }
    $periods = pd_query("SELECT agent, kind, COUNT(*) AS n, COALESCE(SUM(TIMESTAMPDIFF(SECOND, started_at, ended_at)), 0) AS seconds
        FROM dialer_agent_events WHERE started_at >= ? AND started_at < ? AND ended_at IS NOT NULL GROUP BY agent, kind", $range);
    foreach ($periods as $row) {
        $agent = (string) $row['agent'];
        $agents[$agent] ??= ['agent' => $agent, 'calls' => 0, 'talk_seconds' => 0, 'untagged' => 0, 'dispositions' => [],
            'wrapups' => 0, 'wrapup_seconds' => 0, 'pauses' => 0, 'pause_seconds' => 0];
        $prefix = $row['kind'] === 'wrapup' ? 'wrapup' : 'pause';
        $agents[$agent][$prefix . 's'] = (int) $row['n'];
        $agents[$agent][$prefix . '_seconds'] = (int) $row['seconds'];
    }
    $chosen = [];
    $tags = pd_query("SELECT agent, agent_disposition, COUNT(*) AS n
        FROM dialer_calls WHERE started_at >= ? AND started_at < ? AND agent IS NOT NULL AND agent <> '' AND agent_disposition IS NOT NULL
        GROUP BY agent, agent_disposition", $range);
    foreach ($tags as $row) {
        $chosen[(string) $row['agent']][(string) $row['agent_disposition']] = (int) $row['n'];
        $agents[(string) $row['agent']]['untagged'] -= (int) $row['n'];
    }
    foreach ($chosen as $agent => $counts) {
        $agents[$agent]['dispositions'] = pd_breakdown($counts);
    }
    $list = array_values($agents);
    usort($list, match ($sort) {
        'talk' => fn ($a, $b) => [$b['talk_seconds'], $a['agent']] <=> [$a['talk_seconds'], $b['agent']],
        'agent' => fn ($a, $b) => strnatcasecmp($a['agent'], $b['agent']),
        default => fn ($a, $b) => [$b['calls'], $a['agent']] <=> [$a['calls'], $b['agent']],
    });
    return $list;
}

/** 3725 -> "1:02:05". */
function pd_format_talk(int $seconds): string
{
    return sprintf('%d:%02d:%02d', intdiv($seconds, 3600), intdiv($seconds % 3600, 60), $seconds % 60);
}
