<?php
declare(strict_types=1);
require __DIR__ . '/lib/bootstrap.php';
require __DIR__ . '/lib/dashboard.php';

pd_admin_page();
// ?charts=1: with each campaign's pacing chart over the day (asked for once a minute).
pd_json(pd_dashboard_data(($_GET['charts'] ?? '') === '1'));
