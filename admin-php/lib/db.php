<?php
declare(strict_types=1);

require_once __DIR__ . '/config.php';

function pd_connect(array $config): PDO
{
    $dsn = $config['socket'] !== ''
        ? sprintf('mysql:unix_socket=%s;dbname=%s;charset=utf8mb4', $config['socket'], $config['name'])
        : sprintf('mysql:host=%s;port=%d;dbname=%s;charset=utf8mb4', $config['host'], $config['port'], $config['name']);
    $pdo = new PDO($dsn, $config['user'], $config['pass'], [
        PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION,
        PDO::ATTR_DEFAULT_FETCH_MODE => PDO::FETCH_ASSOC,
        PDO::ATTR_EMULATE_PREPARES => false,
        PDO::ATTR_TIMEOUT => 5,
    ]);
    $pdo->exec("SET time_zone = '+00:00'");
    return $pdo;
}

/** The shared connection, or null when none is configured or it fails (see pd_db_error()). */
function pd_db_or_null(): ?PDO
{
    static $pdo = null, $tried = false;
    if ($tried) {
        return $pdo;
    }
    $tried = true;
    $config = pd_database_config();
    if (isset($config['error'])) {
        pd_db_error($config['error']);
        return null;
    }
    if ($config['source'] === 'none') {
        pd_db_error('No database is configured yet.');
        return null;
    }
    try {
        $pdo = pd_connect($config);
    } catch (PDOException $e) {
        pd_db_error('Cannot connect to the database: ' . $e->getMessage());
        return null;
    }
    try {
        // A PBX database the engine never started on has no dialer tables yet.
        $pdo->query('SELECT 1 FROM dialer_admins LIMIT 1');
    } catch (PDOException) {
        $pdo = null;
        pd_db_error("The database {$config['name']} has no PanelDialer tables yet: the engine creates them at its first start (or run scripts/setup).");
    }
    return $pdo;
}

function pd_db_error(?string $set = null): ?string
{
    static $error = null;
    if ($set !== null) {
        $error = $set;
    }
    return $error;
}

function pd_db(): PDO
{
    $pdo = pd_db_or_null();
    if ($pdo === null) {
        throw new RuntimeException(pd_db_error() ?? 'No database.');
    }
    return $pdo;
}

function pd_query(string $sql, array $params = []): PDOStatement
{
    $stmt = pd_db()->prepare($sql);
    $stmt->execute($params);
    return $stmt;
}

/** Runs $work inside a transaction; rolls back on any exception and rethrows it. */
function pd_transaction(callable $work): mixed
{
    $pdo = pd_db();
    $pdo->beginTransaction();
    try {
        $result = $work($pdo);
        $pdo->commit();
        return $result;
    } catch (Throwable $e) {
        $pdo->rollBack();
        throw $e;
    }
}

function pd_table_exists(string $table): bool
{
    return (bool) pd_query('SELECT 1 FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?', [$table])->fetchColumn();
}

function pd_column_exists(string $table, string $column): bool
{
    return (bool) pd_query('SELECT 1 FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = ? AND column_name = ?',
        [$table, $column])->fetchColumn();
}

/** "?,?,?" for an IN list. */
function pd_placeholders(int $count): string
{
    return implode(',', array_fill(0, $count, '?'));
}

function pd_setting(string $name, string $default = ''): string
{
    $value = pd_query('SELECT value FROM dialer_settings WHERE name = ?', [$name])->fetchColumn();
    return $value === false ? $default : (string) $value;
}

function pd_escape_like(string $text): string
{
    return addcslashes($text, '\\%_');
}
