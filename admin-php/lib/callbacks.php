<?php
declare(strict_types=1);

// The rule for a callback's time, as the engine applies it when an agent schedules one
// (pd::core::plan_callback, plugin/core/src/callback.cpp), for the admin's Callbacks page:
// the time is a wall-clock time in the customer's zone (the number's own, else the campaign's),
// at least a minute and at most a year ahead, inside the campaign's hours in the campaign's
// zone and in the number's zone. A refusal names the next time both are open. Both sides read
// the cases in tests/data/callback-cases.json, so they cannot drift. The schedule functions
// port pd::core::Schedule (plugin/core/src/schedule.cpp) line for line.

const PD_CALLBACK_MIN_AHEAD_S = 60;
const PD_CALLBACK_MAX_AHEAD_S = 366 * 86400;

/**
 * A campaign's hours in one zone. $campaign has the dialer_campaigns columns start_hour,
 * end_hour ("HH:MM[:SS]"), week_days ("mon,tue"), start_date, end_date ("YYYY-MM-DD" or null).
 */
final class PdSchedule
{
    private int $start;
    private int $end;
    /** @var array<int,bool> week day index (Monday 0) => allowed */
    private array $days = [];
    private ?int $firstDay = null;
    private ?int $lastDay = null;

    public function __construct(array $campaign, public readonly DateTimeZone $zone)
    {
        $this->start = self::timeOfDay((string) $campaign['start_hour']);
        $this->end = self::timeOfDay((string) $campaign['end_hour']);
        $names = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
        foreach (explode(',', strtolower((string) $campaign['week_days'])) as $day) {
            $index = array_search(trim($day), $names, true);
            if ($index !== false) {
                $this->days[$index] = true;
            }
        }
        $this->firstDay = self::dayNumber($campaign['start_date'] ?? null);
        $this->lastDay = self::dayNumber($campaign['end_date'] ?? null);
    }

    private static function timeOfDay(string $text): int
    {
        $parts = array_map('intval', explode(':', $text)) + [0, 0, 0];
        return $parts[0] * 3600 + $parts[1] * 60 + ($parts[2] ?? 0);
    }

    private static function dayNumber(mixed $date): ?int
    {
        if (!is_string($date) || !preg_match('/^(\d{4})-(\d\d)-(\d\d)/', $date, $m)) {
            return null;
        }
        return intdiv(gmmktime(0, 0, 0, (int) $m[2], (int) $m[3], (int) $m[1]), 86400);
    }

    /** Local seconds (the wall-clock time read as UTC) -> the UTC instant; a skipped time moves later by the gap. */
    public function toUtc(int $local): int
    {
        $text = gmdate('Y-m-d H:i:s', $local);
        return (new DateTimeImmutable($text, $this->zone))->getTimestamp();
    }

    public function toLocal(int $utc): int
    {
        return $utc + $this->zone->getOffset(new DateTimeImmutable('@' . $utc));
    }

    private function dayAllowed(int $day): bool
    {
        $weekday = (($day % 7) + 7 + 3) % 7;
        return isset($this->days[$weekday]) && ($this->firstDay === null || $day >= $this->firstDay)
            && ($this->lastDay === null || $day <= $this->lastDay);
    }

    /** @return array{0:int,1:int}|null [open, close) of the window opening on local day $day */
    private function windowOfDay(int $day): ?array
    {
        if (!$this->dayAllowed($day)) {
            return null;
        }
        $closeDay = $this->end > $this->start ? $day : $day + 1;
        $window = [$this->toUtc($day * 86400 + $this->start), $this->toUtc($closeDay * 86400 + $this->end)];
        return $window[1] <= $window[0] ? null : $window;
    }

    public function isOpen(int $now): bool
    {
        $today = intdiv($this->toLocal($now) - (($this->toLocal($now) % 86400 + 86400) % 86400), 86400);
        for ($day = $today - 1; $day <= $today; $day++) {
            $window = $this->windowOfDay($day);
            if ($window !== null && $window[0] <= $now && $now < $window[1]) {
                return true;
            }
        }
        return false;
    }

    /** $now when open; else the next opening; null when the hours never open again. */
    public function nextOpen(int $now): ?int
    {
        $local = $this->toLocal($now);
        $first = intdiv($local - (($local % 86400 + 86400) % 86400), 86400) - 1;
        if ($this->firstDay !== null) {
            $first = max($first, $this->firstDay);
        }
        $last = $first + 8;
        if ($this->lastDay !== null) {
            $last = min($last, $this->lastDay);
        }
        for ($day = $first; $day <= $last; $day++) {
            $window = $this->windowOfDay($day);
            if ($window !== null && $now < $window[1]) {
                return max($window[0], $now);
            }
        }
        return null;
    }

    /** "2026-12-01 09:00": $utc in this zone, to the minute. */
    public function formatMinute(int $utc): string
    {
        return gmdate('Y-m-d H:i', $this->toLocal($utc));
    }
}

/** The first second at or after $from when both are open (pd::core::first_common_opening). */
function pd_first_common_opening(PdSchedule $a, PdSchedule $b, int $from): ?int
{
    $t = $from;
    for ($step = 0; $step < 64; $step++) {
        $aOpen = $a->nextOpen($t);
        if ($aOpen === null) {
            return null;
        }
        $bOpen = $b->nextOpen($aOpen);
        if ($bOpen === null) {
            return null;
        }
        if ($a->isOpen($bOpen)) {
            return $bOpen;
        }
        $t = $bOpen;
    }
    return null;
}

/**
 * The UTC instant of the callback time $local ("YYYY-MM-DDTHH:MM", a space for the T and ":SS"
 * accepted) for a number of $campaign whose own zone is $numberZone (null or '': the campaign's),
 * or the sentence saying why it cannot be: ['due' => int] or ['error' => string].
 */
function pd_callback_due(array $campaign, ?string $numberZone, string $local, int $now): array
{
    $campaignZone = new DateTimeZone((string) $campaign['time_zone']);
    $schedule = new PdSchedule($campaign, $campaignZone);
    $ownZone = $numberZone !== null && $numberZone !== '' && $numberZone !== $campaignZone->getName();
    $customer = null;
    if ($ownZone) {
        if (!in_array($numberZone, DateTimeZone::listIdentifiers(DateTimeZone::ALL_WITH_BC), true)) {
            return ['error' => "The number's time zone '$numberZone' is unknown, so no time can be agreed for it."];
        }
        $customer = new PdSchedule($campaign, new DateTimeZone($numberZone));
    }
    $zone = $customer ?? $schedule;
    if (!preg_match('/^(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d)(:(\d\d))?$/D', $local, $m)
        || !checkdate((int) $m[2], (int) $m[3], (int) $m[1]) || (int) $m[4] > 23 || (int) $m[5] > 59 || (int) ($m[7] ?? 0) > 59) {
        return ['error' => 'Pick a date and a time for the callback (e.g. 2026-12-01 10:30).'];
    }
    $due = $zone->toUtc(gmmktime((int) $m[4], (int) $m[5], 0, (int) $m[2], (int) $m[3], (int) $m[1]));
    if ($due < $now + PD_CALLBACK_MIN_AHEAD_S) {
        return ['error' => 'That time is past (it is now ' . $zone->formatMinute($now) . ' for the customer, ' . $zone->zone->getName() . ').'];
    }
    if ($due > $now + PD_CALLBACK_MAX_AHEAD_S) {
        return ['error' => 'A callback can be at most a year ahead.'];
    }
    if ($schedule->isOpen($due) && ($customer === null || $customer->isOpen($due))) {
        return ['due' => $due];
    }
    $next = $customer !== null ? pd_first_common_opening($schedule, $customer, $due) : $schedule->nextOpen($due);
    return ['error' => "That time is outside the campaign's calling hours"
        . ($customer !== null ? " in the customer's time zone (" . $zone->zone->getName() . ')' : '')
        . ($next !== null ? '; the next opening after it is ' . $zone->formatMinute($next) . '.' : '; they do not open again after it.')];
}
