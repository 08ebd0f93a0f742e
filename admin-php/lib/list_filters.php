<?php
declare(strict_types=1);

// The filters of the Numbers page and the Calls log, shared by the page, its
// CSV export and (Numbers) the recycle by filter, so all three act on the
// same rows. Each builds SQL conditions on its table's alias from a Form of
// the request's values and records a message per bad value in the Form.

const PD_NUMBER_STATES = ['pending', 'reserved', 'dialing', 'answered', 'retry', 'done', 'failed', 'closed', 'dnc', 'unknown', 'callback'];

/** The agent's-disposition filter's two special values beside the names. */
const PD_TAG_ANY = '(any)';
const PD_TAG_NONE = '(none)';

/** A WHERE clause (with its parameters) and the query string that gives it back. */
final class ListFilter
{
    /** @var list<string> */
    public array $where = [];
    public array $params = [];
    /** @var array<string,string> the filter's own query keys, for links and forms */
    public array $query = [];

    public function add(string $condition, mixed ...$params): void
    {
        $this->where[] = $condition;
        array_push($this->params, ...$params);
    }

    public function sql(): string
    {
        return $this->where ? ' WHERE ' . implode(' AND ', $this->where) : '';
    }

    /** The query keys that are set, for hidden form fields and links. */
    public function setQuery(): array
    {
        return array_filter($this->query, fn ($v) => $v !== '');
    }
}

/**
 * The options of an agent's-disposition filter: all, any, none, then the
 * names found (read through an index on the column, so cheap) and the current
 * value if the data no longer has it.
 *
 * @param list<string> $found
 * @return array<string,string>
 */
function pd_tag_options(array $found, string $current): array
{
    $options = ['' => 'All', PD_TAG_ANY => 'Any (tagged)', PD_TAG_NONE => 'None (not tagged)'];
    foreach ($found as $name) {
        $options[$name] = $name;
    }
    if ($current !== '' && !isset($options[$current])) {
        $options[$current] = $current;
    }
    return $options;
}

function pd_filter_tag(ListFilter $f, Form $form, string $column): void
{
    $tag = $form->plain('agent_disposition', "Agent's disposition", 80);
    $f->query['agent_disposition'] = $tag;
    if ($tag === '' || isset($form->errors['agent_disposition'])) {
        return;
    }
    if ($tag === PD_TAG_ANY) {
        $f->add("$column IS NOT NULL AND $column <> ''");
    } elseif ($tag === PD_TAG_NONE) {
        $f->add("($column IS NULL OR $column = '')");
    } else {
        $f->add("$column = ?", $tag);
    }
}

/**
 * The Numbers page's filter on dialer_numbers n: campaign, state, the
 * engine's result (column disposition), the agent's disposition and a name
 * or number prefix. $campaigns: id => name.
 */
function pd_numbers_filter(Form $form, array $campaigns): ListFilter
{
    $f = new ListFilter();
    $campaign = $form->text('campaign');
    if ($campaign !== '' && !isset($campaigns[(int) $campaign])) {
        $form->error('campaign', 'Campaign: there is no campaign with this id.');
    } elseif ($campaign !== '') {
        $f->add('n.campaign_id = ?', (int) $campaign);
    }
    $state = $form->text('state');
    if ($state !== '' && !in_array($state, PD_NUMBER_STATES, true)) {
        $form->error('state', 'State: choose one of ' . implode(', ', PD_NUMBER_STATES) . '.');
    } elseif ($state !== '') {
        $f->add('n.state = ?', $state);
    }
    $result = $form->plain('disposition', 'Result', 80);
    if ($result !== '' && !isset($form->errors['disposition'])) {
        $f->add('n.disposition = ?', $result);
    }
    pd_filter_tag($f, $form, 'n.agent_disposition');
    $search = $form->plain('q', 'Search', 160);
    if ($search !== '' && !isset($form->errors['q'])) {
        // Prefix match: served by the (campaign_id, number) and (campaign_id, name) keys.
        $f->add("(n.number LIKE CONCAT(?, '%') OR n.name LIKE CONCAT(?, '%'))", pd_escape_like($search), pd_escape_like($search));
    }
    $f->query += ['campaign' => $campaign, 'state' => $state, 'disposition' => $result, 'q' => $search];
    return $f;
}

/** A YYYY-MM-DD field, or null when empty or wrong (then with its message in the form). */
function pd_filter_date(Form $form, string $name, string $label): ?DateTimeImmutable
{
    $text = $form->text($name);
    if ($text === '') {
        return null;
    }
    $date = DateTimeImmutable::createFromFormat('!Y-m-d', $text, new DateTimeZone('UTC'));
    if ($date === false || $date->format('Y-m-d') !== $text) {
        $form->error($name, "$label: write a date as YYYY-MM-DD, e.g. 2026-03-31.");
        return null;
    }
    return $date;
}

/**
 * The campaign (query key `campaign`, an id of $campaigns) and the date range
 * (`from`, `to`: UTC days, both ends included) of a list, on the columns
 * $campaignColumn and $timeColumn (a UTC DATETIME). Shared by the Calls log
 * and the Compliance page.
 */
function pd_filter_campaign_range(ListFilter $f, Form $form, array $campaigns, string $campaignColumn, string $timeColumn): void
{
    $campaign = $form->text('campaign');
    if ($campaign !== '' && !isset($campaigns[(int) $campaign])) {
        $form->error('campaign', 'Campaign: there is no campaign with this id.');
    } elseif ($campaign !== '') {
        $f->add("$campaignColumn = ?", (int) $campaign);
    }
    $from = pd_filter_date($form, 'from', 'From');
    $to = pd_filter_date($form, 'to', 'To');
    if ($from !== null && $to !== null && $from > $to) {
        $form->error('to', 'To: the end of the range is before its start.');
    } else {
        if ($from !== null) {
            $f->add("$timeColumn >= ?", $from->format('Y-m-d 00:00:00.000'));
        }
        if ($to !== null) {
            $f->add("$timeColumn < ?", $to->modify('+1 day')->format('Y-m-d 00:00:00.000'));
        }
    }
    $f->query += ['campaign' => $campaign, 'from' => $form->text('from'), 'to' => $form->text('to')];
}

/**
 * The Calls log's filter on dialer_calls c: campaign, a date range of the
 * start (UTC days, both ends included), agent, agent's disposition, the
 * engine's result and a number prefix.
 */
function pd_calls_filter(Form $form, array $campaigns): ListFilter
{
    $f = new ListFilter();
    pd_filter_campaign_range($f, $form, $campaigns, 'c.campaign_id', 'c.started_at');
    $agent = $form->plain('agent', 'Agent', 80);
    if ($agent !== '' && !isset($form->errors['agent'])) {
        $f->add('c.agent = ?', $agent);
    }
    pd_filter_tag($f, $form, 'c.agent_disposition');
    $result = $form->plain('result', 'Result', 80);
    if ($result !== '' && !isset($form->errors['result'])) {
        $f->add('c.disposition = ?', $result);
    }
    $search = $form->plain('q', 'Number', 32);
    if ($search !== '' && !isset($form->errors['q'])) {
        $f->add("c.number LIKE CONCAT(?, '%')", pd_escape_like($search));
    }
    $f->query += ['agent' => $agent, 'result' => $result, 'q' => $search];
    return $f;
}

/**
 * The Compliance page's filter on dialer_compliance_audit a: campaign, a date
 * range of the Originate (UTC days) and a number prefix.
 */
function pd_compliance_filter(Form $form, array $campaigns): ListFilter
{
    $f = new ListFilter();
    pd_filter_campaign_range($f, $form, $campaigns, 'a.campaign_id', 'a.originated_at');
    $search = $form->plain('q', 'Number', 32);
    if ($search !== '' && !isset($form->errors['q'])) {
        $f->add("a.number LIKE CONCAT(?, '%')", pd_escape_like($search));
    }
    $f->query += ['q' => $search];
    return $f;
}

/**
 * Keyset paging of a list, newest first: the filter's conditions plus "older
 * than the cursor" [$time, $key] (null: from the newest) on ($timeColumn,
 * $keyColumn). Each page is a range read of an index ending in the key,
 * however deep, where LIMIT/OFFSET would read and drop every row before it.
 *
 * @return array{0:string,1:array} the WHERE clause ('' for none) and its parameters
 */
function pd_keyset_where(ListFilter $f, ?array $after, string $timeColumn, string $keyColumn): array
{
    $where = $f->where;
    $params = $f->params;
    if ($after !== null) {
        $where[] = "($timeColumn < ? OR ($timeColumn = ? AND $keyColumn < ?))";
        array_push($params, $after[0], $after[0], $after[1]);
    }
    return [$where ? ' WHERE ' . implode(' AND ', $where) : '', $params];
}

/**
 * The cursor the "Older" link carries (`before`: "<time>_<key>", the key
 * matching $keyPattern): [time, key], or null when there is none. A damaged
 * one is an error of $filter.
 */
function pd_page_cursor(Form $filter, string $keyPattern): ?array
{
    $text = $filter->text('before');
    if ($text === '') {
        return null;
    }
    if (preg_match('/^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d{1,6})?)_(' . $keyPattern . ')$/', $text, $m)) {
        return [$m[1], $m[2]];
    }
    $filter->error('before', 'Page: the "older" link is damaged; start again from the newest rows.');
    return null;
}

/** The "Newest" / "Older" links under a keyset-paged list ($older: the last row's cursor, null on the last page). */
function pd_pager_nav(string $label, array $query, bool $paged, ?string $older): string
{
    $html = '<nav aria-label="' . h($label) . '" class="mt-3">';
    if ($paged) {
        $html .= '<a class="btn btn-sm btn-outline-secondary" href="' . h(pd_pager_link($query)) . '">Newest</a> ';
    }
    if ($older !== null) {
        $html .= '<a class="btn btn-sm btn-outline-secondary" href="' . h(pd_pager_link($query + ['before' => $older])) . '">Older</a>';
    }
    return $html . '</nav>';
}

/** Seconds as H:MM:SS or M:SS; '' for none. */
function pd_duration(mixed $seconds): string
{
    if ($seconds === null || $seconds === '') {
        return '';
    }
    $s = max(0, (int) $seconds);
    return $s >= 3600 ? sprintf('%d:%02d:%02d', intdiv($s, 3600), intdiv($s % 3600, 60), $s % 60) : sprintf('%d:%02d', intdiv($s, 60), $s % 60);
}
