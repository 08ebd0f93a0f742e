<?php
declare(strict_types=1);

/** The one escaping helper: every value that reaches HTML goes through it. */
function h(mixed $value): string
{
    return htmlspecialchars((string) $value, ENT_QUOTES | ENT_SUBSTITUTE | ENT_HTML5, 'UTF-8');
}

function pd_redirect(string $to): never
{
    header('Location: ' . $to, true, 303);
    exit;
}

function pd_json(mixed $data, int $status = 200): never
{
    http_response_code($status);
    header('Content-Type: application/json; charset=utf-8');
    header('Cache-Control: no-store');
    echo json_encode($data, JSON_THROW_ON_ERROR | JSON_INVALID_UTF8_SUBSTITUTE);
    exit;
}

function pd_flash(string $message, string $kind = 'success'): void
{
    $_SESSION['flash'][] = ['message' => $message, 'kind' => $kind];
}

function pd_take_flashes(): array
{
    $flashes = $_SESSION['flash'] ?? [];
    unset($_SESSION['flash']);
    return $flashes;
}

const PD_NAV = [
    'index.php' => 'Dashboard',
    'campaigns.php' => 'Campaigns',
    'groups.php' => 'Call groups',
    'numbers.php' => 'Numbers',
    'callbacks.php' => 'Callbacks',
    'calls.php' => 'Calls',
    'compliance.php' => 'Compliance',
    'dispositions.php' => 'Dispositions',
    'dnc.php' => 'Do-not-call',
    'webhooks.php' => 'Webhooks',
    'agents.php' => 'Agents',
    'settings.php' => 'Settings',
];

function pd_page_start(string $title, string $scripts = ''): void
{
    $current = basename($_SERVER['SCRIPT_NAME'] ?? '');
    header('Content-Type: text/html; charset=utf-8');
    header("Content-Security-Policy: default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'");
    header('X-Content-Type-Options: nosniff');
    ?>
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="csrf-token" content="<?= h(session_status() === PHP_SESSION_ACTIVE ? pd_csrf_token() : '') ?>">
<title><?= h($title) ?> · PanelDialer</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="asset.php?f=bootstrap.css">
<link rel="stylesheet" href="assets/admin.css">
<?= $scripts ?>
</head>
<body>
<a class="visually-hidden-focusable" href="#main">Skip to content</a>
<nav class="navbar navbar-expand-lg navbar-dark bg-dark mb-3" aria-label="Main">
  <div class="container-fluid">
    <a class="navbar-brand" href="index.php">PanelDialer</a>
    <?php if (pd_current_admin() !== null): ?>
    <button class="navbar-toggler" type="button" data-bs-toggle="collapse" data-bs-target="#pd-nav" aria-controls="pd-nav" aria-expanded="false" aria-label="Toggle navigation">
      <span class="navbar-toggler-icon"></span>
    </button>
    <div class="collapse navbar-collapse" id="pd-nav">
      <ul class="navbar-nav me-auto">
        <?php foreach (PD_NAV as $href => $label): ?>
        <li class="nav-item"><a class="nav-link<?= $href === $current ? ' active' : '' ?>"<?= $href === $current ? ' aria-current="page"' : '' ?> href="<?= h($href) ?>"><?= h($label) ?></a></li>
        <?php endforeach; ?>
      </ul>
      <form method="post" action="logout.php" class="d-flex">
        <?= pd_csrf_field() ?>
        <span class="navbar-text me-2"><?= h(pd_current_admin()) ?></span>
        <button class="btn btn-outline-light btn-sm" type="submit">Log out</button>
      </form>
    </div>
    <?php endif; ?>
  </div>
</nav>
<main id="main" class="container-fluid pb-5">
<h1 class="h3 mb-3"><?= h($title) ?></h1>
<?php foreach (pd_take_flashes() as $flash): ?>
<div class="alert alert-<?= h($flash['kind']) ?>" role="status"><?= h($flash['message']) ?></div>
<?php endforeach;
}

function pd_page_end(): void
{
    ?>
</main>
<script src="asset.php?f=bootstrap.js"></script>
<script src="assets/admin.js"></script>
</body>
</html>
<?php
}

/**
 * A form's submitted values and its per-field errors. Pages validate into it
 * and render fields from it, so invalid input is shown again with its error.
 */
final class Form
{
    /** @var array<string,string> */
    public array $errors = [];

    /** $idPrefix keeps element ids unique when one page shows several forms with the same field names. */
    public function __construct(public array $values = [], private string $idPrefix = '')
    {
    }

    /** The id of a field's control (f-NAME), its error (e-NAME) or its help (h-NAME). */
    public function id(string $name, string $kind = 'f'): string
    {
        return $this->idPrefix . $kind . '-' . $name;
    }

    public function value(string $name, mixed $default = ''): mixed
    {
        return $this->values[$name] ?? $default;
    }

    public function text(string $name): string
    {
        $value = $this->values[$name] ?? '';
        return is_string($value) ? trim($value) : '';
    }

    public function error(string $name, string $message): void
    {
        $this->errors[$name] ??= $message;
    }

    public function ok(): bool
    {
        return $this->errors === [];
    }

    /** Checks a required/optional text field against a pattern and a length; returns the trimmed text. */
    public function check(string $name, string $label, string $pattern, string $rule, bool $required = true): string
    {
        $text = $this->text($name);
        if ($text === '') {
            if ($required) {
                $this->error($name, "$label is required.");
            }
            return '';
        }
        if (!preg_match($pattern, $text)) {
            $this->error($name, "$label: $rule");
        }
        return $text;
    }

    /** A field checked by one of the shared rules of validate.php ($rule returns the message or null). */
    public function rule(string $name, string $label, callable $rule, bool $required = true): string
    {
        $text = $this->text($name);
        if ($text === '') {
            if ($required) {
                $this->error($name, "$label is required.");
            }
            return '';
        }
        $error = $rule($text);
        if ($error !== null) {
            $this->error($name, $error);
        }
        return $text;
    }

    public function integer(string $name, string $label, int $min, int $max): int
    {
        $text = $this->text($name);
        if (!preg_match('/^-?\d{1,9}$/', $text) || (int) $text < $min || (int) $text > $max) {
            $this->error($name, "$label must be a whole number from $min to $max.");
            return $min;
        }
        return (int) $text;
    }

    /** Free text without control characters (tabs and new lines allowed when $multiline). */
    public function plain(string $name, string $label, int $maxLength, bool $multiline = false): string
    {
        $text = $this->text($name);
        if ($multiline) {
            // Browsers send textarea lines as CRLF; store them as the engine writes them.
            $text = str_replace("\r\n", "\n", $text);
        }
        $error = pd_check_plain($text, $label, $maxLength, $multiline);
        if ($error !== null) {
            $this->error($name, $error);
        }
        return $text;
    }

    public function input(string $name, string $label, array $attrs = []): string
    {
        $type = $attrs['type'] ?? 'text';
        unset($attrs['type']);
        $help = $attrs['help'] ?? '';
        unset($attrs['help']);
        $html = '<input type="' . h($type) . '" class="form-control' . $this->invalidClass($name) . '" id="' . h($this->id($name))
            . '" name="' . h($name) . '" value="' . h($this->value($name)) . '"' . $this->describedBy($name, $help) . $this->attrs($attrs) . '>';
        return $this->wrap($name, $label, $html, $help);
    }

    public function textarea(string $name, string $label, array $attrs = []): string
    {
        $help = $attrs['help'] ?? '';
        unset($attrs['help']);
        $html = '<textarea class="form-control' . $this->invalidClass($name) . '" id="' . h($this->id($name)) . '" name="' . h($name) . '"'
            . $this->describedBy($name, $help) . $this->attrs($attrs) . '>' . h($this->value($name)) . '</textarea>';
        return $this->wrap($name, $label, $html, $help);
    }

    /** @param array<string,string> $options value => label */
    public function select(string $name, string $label, array $options, array $attrs = []): string
    {
        $help = $attrs['help'] ?? '';
        unset($attrs['help']);
        $current = (string) $this->value($name);
        $html = '<select class="form-select' . $this->invalidClass($name) . '" id="' . h($this->id($name)) . '" name="' . h($name) . '"'
            . $this->describedBy($name, $help) . $this->attrs($attrs) . '>';
        foreach ($options as $value => $text) {
            $html .= '<option value="' . h($value) . '"' . ((string) $value === $current ? ' selected' : '') . '>' . h($text) . '</option>';
        }
        return $this->wrap($name, $label, $html . '</select>', $help);
    }

    /** A multiple select posting $name[]; @param array<string,string> $options value => label */
    public function multiselect(string $name, string $label, array $options, string $help = ''): string
    {
        $picked = array_map('strval', (array) $this->value($name, []));
        $html = '<select multiple size="5" class="form-select' . $this->invalidClass($name) . '" id="' . h($this->id($name)) . '" name="' . h($name) . '[]"'
            . $this->describedBy($name, $help) . '>';
        foreach ($options as $value => $text) {
            $html .= '<option value="' . h($value) . '"' . (in_array((string) $value, $picked, true) ? ' selected' : '') . '>' . h($text) . '</option>';
        }
        return $this->wrap($name, $label, $html . '</select>', $help);
    }

    /** A group of checkboxes posting $name[]; @param array<string,string> $options */
    public function checkboxes(string $name, string $legend, array $options): string
    {
        $checked = array_map('strval', (array) $this->value($name, []));
        $html = '<fieldset class="mb-3"' . (isset($this->errors[$name]) ? ' aria-describedby="' . h($this->id($name, 'e')) . '"' : '') . '><legend class="form-label fs-6">' . h($legend) . '</legend>';
        foreach ($options as $value => $text) {
            $id = $this->id($name) . '-' . $value;
            $html .= '<div class="form-check form-check-inline"><input class="form-check-input' . $this->invalidClass($name) . '" type="checkbox" id="' . h($id)
                . '" name="' . h($name) . '[]" value="' . h($value) . '"' . (in_array((string) $value, $checked, true) ? ' checked' : '')
                . '><label class="form-check-label" for="' . h($id) . '">' . h($text) . '</label></div>';
        }
        return $html . $this->feedback($name, true) . '</fieldset>';
    }

    public function checkbox(string $name, string $label): string
    {
        return '<div class="form-check mb-3"><input type="hidden" name="' . h($name) . '" value="0"><input class="form-check-input" type="checkbox" id="' . h($this->id($name))
            . '" name="' . h($name) . '" value="1"' . ((string) $this->value($name) === '1' ? ' checked' : '') . '><label class="form-check-label" for="' . h($this->id($name)) . '">'
            . h($label) . '</label></div>';
    }

    public function summary(): string
    {
        if ($this->ok()) {
            return '';
        }
        return '<div class="alert alert-danger" role="alert">Please correct the ' . count($this->errors) . ' highlighted field(s).</div>';
    }

    private function wrap(string $name, string $label, string $control, string $help): string
    {
        return '<div class="mb-3"><label class="form-label" for="' . h($this->id($name)) . '">' . h($label) . '</label>' . $control
            . ($help !== '' ? '<div class="form-text" id="' . h($this->id($name, 'h')) . '">' . h($help) . '</div>' : '') . $this->feedback($name) . '</div>';
    }

    private function feedback(string $name, bool $block = false): string
    {
        if (!isset($this->errors[$name])) {
            return '';
        }
        return '<div class="invalid-feedback' . ($block ? ' d-block' : '') . '" id="' . h($this->id($name, 'e')) . '">' . h($this->errors[$name]) . '</div>';
    }

    private function invalidClass(string $name): string
    {
        return isset($this->errors[$name]) ? ' is-invalid' : '';
    }

    private function describedBy(string $name, string $help): string
    {
        $ids = array_filter([$help !== '' ? $this->id($name, 'h') : '', isset($this->errors[$name]) ? $this->id($name, 'e') : '']);
        return ($ids ? ' aria-describedby="' . h(implode(' ', $ids)) . '"' : '') . (isset($this->errors[$name]) ? ' aria-invalid="true"' : '');
    }

    private function attrs(array $attrs): string
    {
        $html = '';
        foreach ($attrs as $key => $value) {
            $html .= $value === true ? ' ' . h($key) : ' ' . h($key) . '="' . h($value) . '"';
        }
        return $html;
    }
}

function pd_pager_link(array $query): string
{
    return '?' . http_build_query(array_filter($query, fn ($v) => $v !== '' && $v !== null));
}
