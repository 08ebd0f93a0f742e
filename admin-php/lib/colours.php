<?php
declare(strict_types=1);

/**
 * Fixed colours of the engine's own results and the usual states, so that a
 * disposition looks the same in every campaign's chart, on every page and after
 * every refresh (a colour by position made `Failed` red in one campaign and
 * blue in the next).
 */
const PD_DISPOSITION_COLOURS = [
    'Ok' => '#198754',
    'Failed' => '#dc3545',
    'Agent' => '#0d6efd',
    'Abandoned' => '#fd7e14',
    'Unknown' => '#6c757d',
    'Refused' => '#6f42c1',
    'Do-not-call' => '#212529',
    'Closed' => '#adb5bd',
];

/**
 * The colour of a disposition name: a fixed one for the names above, otherwise
 * one derived from a hash of the name (the same name always gets the same
 * colour; agents' own dispositions such as "Sale" or "Callback" included).
 * Returned as #rrggbb.
 */
function pd_disposition_colour(string $name): string
{
    if (isset(PD_DISPOSITION_COLOURS[$name])) {
        return PD_DISPOSITION_COLOURS[$name];
    }
    $hash = crc32($name);
    $hue = $hash % 360;
    // Two lightness bands so that neighbouring hues still differ.
    $lightness = ($hash >> 9) % 2 === 0 ? 0.42 : 0.55;
    return pd_hsl_to_hex($hue, 0.65, $lightness);
}

function pd_hsl_to_hex(int $hue, float $saturation, float $lightness): string
{
    $c = (1 - abs(2 * $lightness - 1)) * $saturation;
    $x = $c * (1 - abs(fmod($hue / 60, 2) - 1));
    $m = $lightness - $c / 2;
    [$r, $g, $b] = match (intdiv($hue, 60)) {
        0 => [$c, $x, 0.0],
        1 => [$x, $c, 0.0],
        2 => [0.0, $c, $x],
        3 => [0.0, $x, $c],
        4 => [$x, 0.0, $c],
        default => [$c, 0.0, $x],
    };
    return sprintf('#%02x%02x%02x', (int) round(($r + $m) * 255), (int) round(($g + $m) * 255), (int) round(($b + $m) * 255));
}

/**
 * [name => count] as rows of a breakdown: name, count, percent of the total
 * (one decimal) and colour, ordered by name.
 *
 * @param array<string,int> $counts
 * @return list<array{disposition:string,count:int,percent:float,colour:string}>
 */
function pd_breakdown(array $counts): array
{
    ksort($counts, SORT_STRING);
    $sum = array_sum($counts);
    $rows = [];
    foreach ($counts as $name => $count) {
        $rows[] = ['disposition' => (string) $name, 'count' => (int) $count,
            'percent' => $sum > 0 ? round(100 * $count / $sum, 1) : 0.0, 'colour' => pd_disposition_colour((string) $name)];
    }
    return $rows;
}
