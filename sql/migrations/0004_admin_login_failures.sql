-- Failed admin logins per client address and user name, so that guessing
-- passwords is slowed down: the login page refuses a pair with too many recent
-- failures (admin-php/lib/auth.php).
CREATE TABLE dialer_admin_login_failures (
  address      VARCHAR(64)  NOT NULL,
  username     VARCHAR(64)  NOT NULL,
  failures     INT UNSIGNED NOT NULL DEFAULT 0,
  first_at     DATETIME(3)  NOT NULL,
  last_at      DATETIME(3)  NOT NULL,
  PRIMARY KEY (address, username),
  KEY ix_login_failures_last (last_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
