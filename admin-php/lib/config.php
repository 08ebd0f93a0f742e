<?php
declare(strict_types=1);

// Where the database connection comes from, in this order: PD_MYSQL_DSN, the
// file the Settings page writes, then an IssabelPBX/FreePBX configuration.

// PD_ADMIN_CONFIG moves the file (tests use a scratch one).
define('PD_CONFIG_FILE', getenv('PD_ADMIN_CONFIG') ?: __DIR__ . '/../config/database.php');

/** @return array{host:string,port:int,user:string,pass:string,name:string,socket:string}|string error */
function pd_parse_dsn(string $dsn): array|string
{
    $parts = parse_url($dsn);
    if ($parts === false || ($parts['scheme'] ?? '') !== 'mysql') {
        return 'The DSN must look like mysql://user:pass@host:port/db or mysql://user:pass@localhost/db?socket=/path';
    }
    $name = ltrim($parts['path'] ?? '', '/');
    if (!preg_match('/^[A-Za-z0-9_$-]{1,64}$/', $name)) {
        return 'The DSN names no valid database.';
    }
    parse_str($parts['query'] ?? '', $query);
    return [
        'host' => $parts['host'] ?? 'localhost',
        'port' => (int) ($parts['port'] ?? 3306),
        'user' => rawurldecode($parts['user'] ?? ''),
        'pass' => rawurldecode($parts['pass'] ?? ''),
        'name' => $name,
        'socket' => is_string($query['socket'] ?? null) ? $query['socket'] : '',
    ];
}

/** Settings of an IssabelPBX (/etc/amportal.conf) or FreePBX (/etc/freepbx.conf) install, if any. */
function pd_pbx_database_config(): ?array
{
    $amportal = getenv('PD_AMPORTAL_CONF') ?: '/etc/amportal.conf';
    if (is_readable($amportal)) {
        $vars = [];
        foreach (file($amportal, FILE_IGNORE_NEW_LINES) ?: [] as $line) {
            if (preg_match('/^\s*(AMPDB(?:USER|PASS|HOST|NAME|PORT))\s*=\s*(.*?)\s*$/', $line, $m)) {
                $vars[$m[1]] = trim($m[2], "\"'");
            }
        }
        if (isset($vars['AMPDBUSER'], $vars['AMPDBNAME'])) {
            return ['host' => $vars['AMPDBHOST'] ?? 'localhost', 'port' => (int) ($vars['AMPDBPORT'] ?? 3306),
                'user' => $vars['AMPDBUSER'], 'pass' => $vars['AMPDBPASS'] ?? '',
                'name' => $vars['AMPDBNAME'], 'socket' => '', 'file' => $amportal];
        }
    }
    $freepbx = getenv('PD_FREEPBX_CONF') ?: '/etc/freepbx.conf';
    if (is_readable($freepbx)) {
        $text = (string) file_get_contents($freepbx);
        $vars = [];
        // $amp_conf["AMPDBUSER"] = "freepbxuser"; — read, never executed.
        if (preg_match_all('/\$amp_conf\[\s*[\'"](AMPDB\w+)[\'"]\s*\]\s*=\s*[\'"]([^\'"]*)[\'"]/', $text, $all, PREG_SET_ORDER)) {
            foreach ($all as $m) {
                $vars[$m[1]] = $m[2];
            }
        }
        if (isset($vars['AMPDBUSER'], $vars['AMPDBNAME'])) {
            return ['host' => $vars['AMPDBHOST'] ?? 'localhost', 'port' => (int) ($vars['AMPDBPORT'] ?? 3306),
                'user' => $vars['AMPDBUSER'], 'pass' => $vars['AMPDBPASS'] ?? '',
                'name' => $vars['AMPDBNAME'], 'socket' => '', 'file' => $freepbx];
        }
    }
    return null;
}

/** The connection settings in force and where they came from ('env', 'file', 'pbx' or 'none'). */
function pd_database_config(): array
{
    $dsn = getenv('PD_MYSQL_DSN');
    if (is_string($dsn) && $dsn !== '') {
        $parsed = pd_parse_dsn($dsn);
        return is_array($parsed) ? ['source' => 'env'] + $parsed : ['source' => 'env', 'error' => $parsed];
    }
    if (is_readable(PD_CONFIG_FILE)) {
        $stored = include PD_CONFIG_FILE;
        if (is_array($stored)) {
            return ['source' => 'file'] + $stored;
        }
    }
    $pbx = pd_pbx_database_config();
    return $pbx !== null ? ['source' => 'pbx'] + $pbx : ['source' => 'none'];
}

/** Writes the Settings page's connection as a PHP file that prints nothing when served. */
function pd_save_database_config(array $config): bool
{
    $keep = array_intersect_key($config, array_flip(['host', 'port', 'user', 'pass', 'name', 'socket']));
    $text = "<?php\n// Written by the PanelDialer Settings page.\nreturn " . var_export($keep, true) . ";\n";
    $dir = dirname(PD_CONFIG_FILE);
    if (!is_dir($dir) && !@mkdir($dir, 0700, true)) {
        return false;
    }
    $tmp = tempnam($dir, '.database');
    if ($tmp === false) {
        return false;
    }
    if (file_put_contents($tmp, $text) === false) {
        @unlink($tmp);
        return false;
    }
    chmod($tmp, 0600);
    return rename($tmp, PD_CONFIG_FILE);
}
