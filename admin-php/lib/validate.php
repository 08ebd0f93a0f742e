<?php
declare(strict_types=1);

// Rules shared by the forms, the CSV import and the range generator. Each
// returns an error message naming the field, or null when the value is fine.
//
// The rules for campaign names, numbers, dial prefixes, variables, caller ids
// and dialplan destinations are the engine's (plugin/core: names.cpp,
// campaign.cpp, originate_builder.cpp): a value accepted here is never refused
// at dial time. tests/data/validation-cases.json holds the cases both sides
// must agree on (tests/admin/validation_cases.php, tests/core/validation_cases_test.cpp).
// Patterns end with \z, not $: $ also matches before a final line break.

const PD_NUMBER_RULE = 'a phone number is 1 to 32 digits, optionally starting with + (also * and #; spaces, dashes, dots and parentheses are removed).';
const PD_MAX_RANGE = 10000;

/** Removes the punctuation people write in numbers ("(555) 005-1" → "5550051"); a + stays. As pd::core::normalize_number. */
function pd_normalize_number(string $number): string
{
    return str_replace([' ', '-', '.', '(', ')'], '', $number);
}

/** A normalised number: an optional leading +, then digits, * or #; 32 characters at most (dialer_numbers.number). */
function pd_check_number(string $number): ?string
{
    return strlen($number) <= 32 && preg_match('/^\+?[0-9*#]+\z/', $number) ? null : 'Number: ' . PD_NUMBER_RULE;
}

/** Campaign names become dialplan context names (pd-<name>-dest). */
function pd_check_campaign_name(string $name): ?string
{
    return preg_match('/^[A-Za-z0-9_-]{1,64}\z/', $name) ? null : 'Name: 1 to 64 letters, digits, _ or - (it reaches the dialplan).';
}

/** The engine dials prefix + number and refuses any other character in a prefix. */
function pd_check_dial_prefix(string $prefix): ?string
{
    if (str_contains($prefix, '+')) {
        return 'Dial prefix: + is not allowed in a prefix (the engine would refuse every call); use digits, * and # only, or put the + in the numbers.';
    }
    return preg_match('/^[0-9*#]{0,16}\z/', $prefix) ? null : 'Dial prefix: up to 16 digits, * or # only.';
}

/** Caller ids: Asterisk copies them into fixed buffers, so bytes count (é takes 2). */
function pd_check_caller_id(string $callerId): ?string
{
    return pd_check_plain($callerId, 'Caller id', 80)
        ?? (strlen($callerId) > 80 ? 'Caller id is longer than 80 bytes (letters such as é take 2).' : null);
}

/** A dialplan destination "context,extension,priority", as pd::core::parse_dialplan_target. */
function pd_check_destination(string $text, string $label): ?string
{
    $parts = explode(',', $text);
    if (count($parts) !== 3) {
        return "$label: write context,extension,priority, e.g. ext-queues,400,1.";
    }
    [$context, $exten, $priority] = $parts;
    if (!preg_match('/^[A-Za-z0-9_.-]{1,64}\z/', $context)) {
        return "$label: the context (before the first comma) is 1 to 64 letters, digits, _ . or -.";
    }
    if (!preg_match('/^[A-Za-z0-9_.*#+-]{1,64}\z/', $exten)) {
        return "$label: the extension (between the commas) is 1 to 64 letters, digits, _ . * # + or -.";
    }
    if (!preg_match('/^(?:[1-9][0-9]{0,4}|[A-Za-z_][A-Za-z0-9_]{0,63})\z/', $priority)) {
        return "$label: the priority (after the second comma) is a number from 1 to 99999 or a label of letters, digits and _.";
    }
    return null;
}

const PD_TIME_ZONE_RULE = 'an IANA name such as Europe/Madrid or America/New_York (letter case matters); leave it empty for the campaign\'s zone.';

/**
 * A contact's own time zone: empty (none: the campaign's zone) or an IANA name as the tz database
 * spells it. PHP reads the same system tz database as the engine (pd::core::TimeZone::load reads
 * /usr/share/zoneinfo/<name>, case-sensitive), so the exact name must be in the list: an offset
 * like +02:00 or "europe/madrid", which DateTimeZone would also take, is refused.
 */
function pd_check_time_zone(string $zone): ?string
{
    static $known = null;
    if ($zone === '') {
        return null;
    }
    $known ??= array_flip(DateTimeZone::listIdentifiers(DateTimeZone::ALL_WITH_BC));
    if (preg_match('//u', $zone) !== 1) {
        return 'Time zone is not valid UTF-8 text.';
    }
    if (isset($known[$zone]) && strlen($zone) <= 64) {
        return null;
    }
    $shown = preg_match('/[\x00-\x1F\x7F]/', $zone) ? json_encode($zone, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES) : "'$zone'";
    return "Time zone: $shown is not a known time zone; write " . PD_TIME_ZONE_RULE;
}

function pd_check_group_name(string $group): ?string
{
    return preg_match('/^[\p{L}\p{N} _.\-]{1,80}\z/u', $group) ? null : 'Group: 1 to 80 letters, digits, spaces or _ . -';
}

/** Free text: valid UTF-8, no control characters (tabs and new lines allowed when $multiline), at most $maxLength characters. */
function pd_check_plain(string $text, string $label, int $maxLength, bool $multiline = false): ?string
{
    if (preg_match('//u', $text) !== 1) {
        return "$label is not valid UTF-8 text.";
    }
    if (preg_match($multiline ? '/[\x00-\x08\x0B\x0C\x0E-\x1F\x7F]/' : '/[\x00-\x1F\x7F]/', $text)) {
        return "$label contains control characters.";
    }
    return strlen($text) > $maxLength && preg_match_all('/./su', $text) > $maxLength ? "$label is longer than $maxLength characters." : null;
}

/**
 * Channel variables "a=1|b=2", as pd::core::check_variables: every item name=value; names like
 * dialplan variables and not the engine's own (PD_…, also as _PD_… / __PD_…); values without
 * control characters or , " \ (Asterisk splits an Originate Variable on them).
 */
function pd_check_variables(string $variables): ?string
{
    if ($variables === '') {
        return null;
    }
    if (strlen($variables) > 1000) {
        return 'Variables are longer than 1000 bytes.';
    }
    if (preg_match('//u', $variables) !== 1) {
        return 'Variables are not valid UTF-8 text.';
    }
    foreach (explode('|', $variables) as $pair) {
        $equals = strpos($pair, '=');
        if ($equals === false) {
            return 'Variables: write name=value pairs separated by |, e.g. a=1|b=2 (names: letters, digits, _).';
        }
        $name = substr($pair, 0, $equals);
        $value = substr($pair, $equals + 1);
        if (!preg_match('/^[A-Za-z_][A-Za-z0-9_]{0,63}\z/', $name)) {
            return 'Variables: a name is 1 to 64 letters, digits or _, not starting with a digit (e.g. lang=en).';
        }
        if (str_starts_with(ltrim($name, '_'), 'PD_')) {
            return "Variables: the name $name is reserved for the dialer (names starting with PD_).";
        }
        if (preg_match('/[\x00-\x1F\x7F]/', $value)) {
            return "Variables: the value of $name contains control characters.";
        }
        if (strpbrk($value, ',"\\') !== false) {
            return "Variables: the value of $name may not contain a comma, \" or \\ (Asterisk splits the value on them).";
        }
    }
    return null;
}

/**
 * A campaign's CRM link template, as pd::core::check_url_template (plugin/core/include/pd/core/url_template.h):
 * printable ASCII, at most 1000 bytes, http:// or https:// and a host written as is ([A-Za-z0-9.-], an optional
 * :port, no user@, no placeholder), then RFC 3986 characters, %XX, and the placeholders {NUMBER} {NAME} {LEAD_ID}
 * {CALL_ID} {CAMPAIGN} {AGENT} {VARIABLE:name}. The engine percent-encodes each value. Empty: no link.
 */
function pd_check_crm_url_template(string $text): ?string
{
    if ($text === '') {
        return null;
    }
    if (strlen($text) > 1000) {
        return 'CRM link: longer than 1000 characters';
    }
    if (preg_match('/[^\x21-\x7E]/', $text)) {
        return 'CRM link: printable ASCII only, no spaces (write %20) or other characters';
    }
    if (!preg_match('~^https?://~i', $text)) {
        return 'CRM link: must start with http:// or https://';
    }
    $rest = substr($text, strpos($text, '://') + 3);
    $hostEnd = strcspn($rest, '/?#');
    $authority = substr($rest, 0, $hostEnd);
    if (strpbrk($authority, '{}') !== false) {
        return 'CRM link: no placeholder in the host (the server is written as is)';
    }
    if (str_contains($authority, '@')) {
        return 'CRM link: no user@ before the host';
    }
    $host = $authority;
    $colon = strpos($authority, ':');
    if ($colon !== false) {
        $host = substr($authority, 0, $colon);
        $port = substr($authority, $colon + 1);
        if (!preg_match('/^\d{1,5}\z/', $port) || (int) $port > 65535) {
            return 'CRM link: the port after the host is a number from 0 to 65535';
        }
    }
    if (!preg_match('/^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?\z/', $host)) {
        return "CRM link: the host is letters, digits, '.' and '-' (e.g. https://crm.example.com/)";
    }
    $path = substr($rest, $hostEnd);
    $length = strlen($path);
    for ($i = 0; $i < $length;) {
        $c = $path[$i];
        if ($c === '{') {
            $close = strpos($path, '}', $i);
            if ($close === false) {
                return "CRM link: a '{' without its '}'";
            }
            $name = substr($path, $i + 1, $close - $i - 1);
            if (!in_array($name, ['NUMBER', 'NAME', 'LEAD_ID', 'CALL_ID', 'CAMPAIGN', 'AGENT'], true)
                && !preg_match('/^VARIABLE:[A-Za-z_][A-Za-z0-9_]{0,63}\z/', $name)) {
                return "CRM link: unknown placeholder {{$name}}; use {NUMBER}, {NAME}, {LEAD_ID}, {CALL_ID}, {CAMPAIGN}, {AGENT} or {VARIABLE:name}";
            }
            $i = $close + 1;
            continue;
        }
        if ($c === '}') {
            return "CRM link: a '}' without its '{'";
        }
        if ($c === '%') {
            if (!preg_match('/^%[0-9A-Fa-f]{2}/', substr($path, $i, 3))) {
                return "CRM link: '%' is written only as %XX (two hex digits)";
            }
            $i += 3;
            continue;
        }
        if (!preg_match("~^[A-Za-z0-9\-._\~:/?#\[\]@!$&'()*+,;=]\z~", $c)) {
            return "CRM link: the character '$c' must be written as %XX";
        }
        $i++;
    }
    return null;
}

/** "555000-555099" → [first, last] as digit strings of equal length; or an error message. */
function pd_parse_range(string $text): array|string|null
{
    if (!preg_match('/^(\+?)(\d{1,31})\s*-\s*\+?(\d{1,31})$/', $text, $m)) {
        return null;
    }
    [$prefix, $first, $last] = [$m[1], $m[2], $m[3]];
    if (strlen($first) !== strlen($last)) {
        return 'Range: both ends must have the same number of digits.';
    }
    if (strlen($first) > 18) {
        return 'Range: numbers longer than 18 digits cannot be ranges.';
    }
    if ((int) $last < (int) $first) {
        return 'Range: the second number must not be smaller than the first.';
    }
    $count = (int) $last - (int) $first + 1;
    if ($count > PD_MAX_RANGE) {
        return sprintf('Range: %s numbers asked, at most %s in one step.', number_format($count), number_format(PD_MAX_RANGE));
    }
    return [$prefix, $first, $last];
}

/** The numbers of a parsed range, keeping leading zeros. */
function pd_range_numbers(array $range): array
{
    [$prefix, $first, $last] = $range;
    $width = strlen($first);
    $numbers = [];
    for ($n = (int) $first; $n <= (int) $last; $n++) {
        $numbers[] = $prefix . str_pad((string) $n, $width, '0', STR_PAD_LEFT);
    }
    return $numbers;
}

/**
 * A contact's fields from a form or a CSV row; returns the clean row [group, name, number, caller id,
 * variables, time zone] (number normalised, time zone null when empty) or the first error.
 */
function pd_check_contact(string $group, string $name, string $number, string $callerId, string $variables, string $timeZone = ''): array|string
{
    $group = trim($group);
    $name = trim($name);
    $number = trim($number);
    $callerId = trim($callerId);
    $variables = trim($variables);
    $timeZone = trim($timeZone);
    $number = pd_normalize_number($number);
    $error = pd_check_group_name($group) ?? pd_check_plain($name, 'Name', 160) ?? pd_check_number($number)
        ?? pd_check_caller_id($callerId) ?? pd_check_variables($variables) ?? pd_check_time_zone($timeZone);
    return $error ?? [$group, $name, $number, $callerId, $variables, $timeZone === '' ? null : $timeZone];
}

/** The form field a pd_check_contact() message is about. */
function pd_contact_error_field(string $message): string
{
    foreach (['Group' => 'group_name', 'Name' => 'name', 'Number' => 'number', 'Caller' => 'caller_id', 'Time zone' => 'time_zone'] as $prefix => $field) {
        if (str_starts_with($message, $prefix)) {
            return $field;
        }
    }
    return 'variables';
}

/** Inserts contacts ([group,name,number,callerid,variables,time zone|null] rows, as pd_check_contact) with multi-row prepared INSERTs. */
function pd_insert_contacts(PDO $pdo, array $rows): int
{
    $inserted = 0;
    foreach (array_chunk($rows, 1000) as $chunk) {
        $sql = 'INSERT INTO dialer_contacts (group_name, name, number, caller_id, variables, time_zone) VALUES '
            . implode(',', array_fill(0, count($chunk), '(?,?,?,?,?,?)'));
        $stmt = $pdo->prepare($sql);
        $stmt->execute(array_merge(...$chunk));
        $inserted += $stmt->rowCount();
    }
    return $inserted;
}

function pd_check_date(string $text): bool
{
    $date = DateTimeImmutable::createFromFormat('!Y-m-d', $text);
    return $date !== false && $date->format('Y-m-d') === $text;
}

/** Campaign ids, so that lookups by number can use the (campaign_id, number) unique key. */
function pd_campaign_ids(): array
{
    return pd_query('SELECT id FROM dialer_campaigns')->fetchAll(PDO::FETCH_COLUMN);
}

/** Marks pending/retry leads with these numbers as dnc in every campaign; returns how many. */
function pd_mark_dnc_leads(PDO $pdo, array $numbers): int
{
    $campaigns = pd_campaign_ids();
    if ($campaigns === [] || $numbers === []) {
        return 0;
    }
    $marked = 0;
    foreach (array_chunk($numbers, 1000) as $chunk) {
        $stmt = $pdo->prepare('UPDATE dialer_numbers SET state = \'dnc\', claim_owner = NULL, claim_expires_at = NULL WHERE campaign_id IN ('
            . pd_placeholders(count($campaigns)) . ') AND number IN (' . pd_placeholders(count($chunk)) . ") AND state IN ('pending','retry')");
        $stmt->execute(array_merge($campaigns, $chunk));
        $marked += $stmt->rowCount();
    }
    return $marked;
}

/** The longest wrap-up a campaign may have (seconds), as pd::core::kMaxWrapupSeconds. */
const PD_MAX_WRAPUP_SECONDS = 3600;

/** A predictive campaign's abandonment target in %, as pd::core::is_abandon_target: above 0, at most 10, two decimals at most. */
function pd_check_abandon_target(string $text): ?string
{
    return preg_match('/^[0-9]{1,2}(\.[0-9]{1,2})?\z/', $text) === 1 && (float) $text > 0 && (float) $text <= 10
        ? null : 'Abandon target: a percentage above 0 and at most 10, e.g. 3 or 2.5.';
}

/** The sound an abandoned call hears, as pd::core::is_sound_name: an Asterisk sound file name for Playback(). */
function pd_check_abandon_message(string $text): ?string
{
    return preg_match('~^[A-Za-z0-9_-][A-Za-z0-9_./-]{0,127}\z~', $text) === 1 && !str_contains($text, '..')
        ? null : 'Abandon message: a sound file name (letters, digits, _ - . /, 128 at most, no ".."), e.g. custom/abandon-message.';
}

/** A campaign's wrap-up seconds as the form sends it, as pd::core::is_wrapup_seconds: 0 (until the disposition is saved) to 3600. */
function pd_check_wrapup_seconds(string $text): ?string
{
    return preg_match('/^[0-9]{1,4}\z/', $text) === 1 && (int) $text <= PD_MAX_WRAPUP_SECONDS
        ? null : 'Wrap-up seconds: a whole number from 0 (until the disposition is saved) to ' . PD_MAX_WRAPUP_SECONDS . '.';
}

/**
 * The setting pause_reasons, as pd::core::parse_pause_reasons: 1 to 20 reasons separated by commas, each (spaces
 * around it removed) 1 to 32 characters of letters, digits, spaces and . _ ' ( ) / & + -, not "wrap-up" (the
 * dialer's own), no two alike (case ignored). The reasons, or the message.
 *
 * @return list<string>|string
 */
function pd_parse_pause_reasons(string $text): array|string
{
    if (trim($text, ' ') === '') {
        return 'Pause reasons: give at least one reason.';
    }
    $reasons = [];
    $seen = [];
    foreach (explode(',', $text) as $item) {
        $item = trim($item, ' ');
        if ($item === '') {
            return 'Pause reasons: an empty reason (two commas in a row, or one at an end).';
        }
        if (strlen($item) > 32) {
            return "Pause reasons: '" . substr($item, 0, 32) . "…' is longer than 32 characters.";
        }
        if (preg_match("~^[A-Za-z0-9 ._'()/&+-]+\\z~", $item) !== 1) {
            return 'Pause reasons: ' . json_encode($item, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES | JSON_INVALID_UTF8_SUBSTITUTE)
                . " may hold only letters, digits, spaces and . _ ' ( ) / & + -";
        }
        $key = strtolower($item);
        if ($key === 'wrap-up') {
            return "Pause reasons: 'wrap-up' is the dialer's own reason.";
        }
        if (isset($seen[$key])) {
            return "Pause reasons: '$item' is listed twice.";
        }
        $seen[$key] = true;
        $reasons[] = $item;
        if (count($reasons) > 20) {
            return 'Pause reasons: at most 20 reasons.';
        }
    }
    return $reasons;
}

function pd_check_pause_reasons(string $text): ?string
{
    $parsed = pd_parse_pause_reasons($text);
    return is_string($parsed) ? $parsed : null;
}

/**
 * A campaign's webhook URL (pd::core::check_webhook_url; both held to
 * tests/data/validation-cases.json "webhook_urls"): empty (no webhook), or at
 * most 1000 bytes of printable ASCII without spaces, http:// or https://, a
 * host of letters, digits, '.' and '-' or a bracketed IPv6 address, an
 * optional :port from 1 to 65535, no user@.
 */
function pd_check_webhook_url(string $url): ?string
{
    if ($url === '') {
        return null;
    }
    if (strlen($url) > 1000) {
        return 'Webhook URL: longer than 1000 characters';
    }
    if (preg_match('/[^\x21-\x7E]/', $url)) {
        return 'Webhook URL: printable ASCII only, no spaces (write %20) or control characters';
    }
    if (!preg_match('~^https?://~i', $url)) {
        return 'Webhook URL: must start with http:// or https://';
    }
    $rest = substr($url, strpos($url, '://') + 3);
    $authority = substr($rest, 0, strcspn($rest, '/?#'));
    if (str_contains($authority, '@')) {
        return 'Webhook URL: no user@ before the host';
    }
    $port = null;
    if (str_starts_with($authority, '[')) {
        if (!preg_match('/^\[([0-9A-Fa-f:.]+)\](?::(.*))?\z/', $authority, $m)) {
            return 'Webhook URL: an IPv6 host is written [address]';
        }
        $port = $m[2] ?? null;
    } else {
        $host = $authority;
        $colon = strpos($authority, ':');
        if ($colon !== false) {
            $host = substr($authority, 0, $colon);
            $port = substr($authority, $colon + 1);
        }
        if (!preg_match('/^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?\z/', $host)) {
            return "Webhook URL: the host is letters, digits, '.' and '-' (e.g. https://crm.example.com/)";
        }
    }
    if ($port !== null && (!preg_match('/^\d{1,5}\z/', $port) || (int) $port < 1 || (int) $port > 65535)) {
        return 'Webhook URL: the port after the host is a number from 1 to 65535';
    }
    return null;
}

/**
 * The webhook's shared secret (pd::core::check_webhook_secret; "webhook_secrets"
 * in tests/data/validation-cases.json): empty (unsigned), or 16 to 255
 * characters of printable ASCII without spaces.
 */
function pd_check_webhook_secret(string $secret): ?string
{
    if ($secret === '') {
        return null;
    }
    if (strlen($secret) < 16 || strlen($secret) > 255) {
        return 'Webhook secret: 16 to 255 characters';
    }
    if (preg_match('/[^\x21-\x7E]/', $secret)) {
        return 'Webhook secret: printable ASCII only, no spaces';
    }
    return null;
}
