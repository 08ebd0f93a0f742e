<?php
declare(strict_types=1);

/**
 * Destinations the campaign form offers: Queues, IVRs and Custom destinations of
 * an IssabelPBX/FreePBX in the same database, else the queues the engine has seen.
 * @return array<string, list<array{kind:string,destination:string,queue:string,label:string}>> by group label
 */
function pd_destination_choices(): array
{
    $groups = [];
    if (pd_table_exists('queues_config')) {
        foreach (pd_query('SELECT extension, descr FROM queues_config ORDER BY extension') as $q) {
            $groups['Queues'][] = ['kind' => 'queue', 'destination' => 'ext-queues,' . $q['extension'] . ',1', 'queue' => (string) $q['extension'],
                'label' => $q['extension'] . ' ' . $q['descr']];
        }
    }
    if (pd_table_exists('ivr_details')) {
        foreach (pd_query('SELECT id, name FROM ivr_details ORDER BY name') as $ivr) {
            $groups['IVRs'][] = ['kind' => 'ivr', 'destination' => 'ivr-' . $ivr['id'] . ',s,1', 'queue' => '', 'label' => (string) $ivr['name']];
        }
    }
    if (pd_table_exists('custom_destinations')) {
        // FreePBX 14+ numbers them (destid, target) and routes through customdests;
        // IssabelPBX and older FreePBX keep the dialplan target itself in custom_dest.
        $numbered = pd_column_exists('custom_destinations', 'destid');
        $sql = $numbered
            ? "SELECT CONCAT('customdests,dest-', destid, ',1') AS destination, target, description FROM custom_destinations ORDER BY description"
            : 'SELECT custom_dest AS destination, custom_dest AS target, description FROM custom_destinations ORDER BY description';
        foreach (pd_query($sql) as $custom) {
            $groups['Custom destinations'][] = ['kind' => 'custom', 'destination' => (string) $custom['destination'], 'queue' => '',
                'label' => $custom['description'] . ' (' . $custom['target'] . ')'];
        }
    }
    if (!isset($groups['Queues'])) {
        foreach (pd_query('SELECT name, members FROM dialer_queues_seen ORDER BY name') as $q) {
            $groups['Queues seen on the PBX'][] = ['kind' => 'queue', 'destination' => 'ext-queues,' . $q['name'] . ',1', 'queue' => (string) $q['name'],
                'label' => $q['name'] . ' (' . $q['members'] . ' members)'];
        }
    }
    return $groups;
}
