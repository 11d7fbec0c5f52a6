// DLMS/COSEM names as DATA: interface classes with their attribute and method names
// (../shared/spec/NAMES.md 2.1, IC 18 from GBCS.md 5.7), and the GBCS alert and event
// codes (NAMES.md 2.6). Looked up lazily by the tree nodes (getters), never while a tree
// is built.
//
// Status: VERIFIED for names NAMES.md takes from the Blue Book / GP / GX / DUIS / GBCS.md;
// UNCONFIRMED for the ones NAMES.md marks INFERRED (alert codes 8F85-8F88, inferred from
// use-case titles only).

/** One COSEM interface class. Attribute 1 of every class is logical_name. */
export interface CosemClassInfo {
  readonly name: string;
  readonly attributes: Readonly<Record<number, string>>;
  readonly methods: Readonly<Record<number, string>>;
  /** Source of the names (NAMES.md 2.1 / GBCS.md tags). */
  readonly source: string;
}

/** Interface classes GBCS uses (NAMES.md 2.1), including 9000 GBCS Extended Data. */
export const COSEM_CLASS_INFO: Readonly<Record<number, CosemClassInfo>> = {
  1: { name: 'Data', attributes: { 2: 'value' }, methods: {}, source: 'BB+GP' },
  3: { name: 'Register', attributes: { 2: 'value', 3: 'scaler_unit' }, methods: { 1: 'reset' }, source: 'BB+GP' },
  4: { name: 'Extended register', attributes: { 2: 'value', 3: 'scaler_unit', 4: 'status', 5: 'capture_time' }, methods: { 1: 'reset' }, source: 'BB' },
  5: { name: 'Demand register', attributes: { 2: 'current_average_value', 3: 'last_average_value', 4: 'scaler_unit', 5: 'status', 6: 'capture_time', 7: 'start_time_current', 8: 'period', 9: 'number_of_periods' }, methods: { 1: 'reset', 2: 'next_period' }, source: 'BB' },
  7: { name: 'Profile generic', attributes: { 2: 'buffer', 3: 'capture_objects', 4: 'capture_period', 5: 'sort_method', 6: 'sort_object', 7: 'entries_in_use', 8: 'profile_entries' }, methods: { 1: 'reset', 2: 'capture' }, source: 'BB+GP' },
  8: { name: 'Clock', attributes: { 2: 'time', 3: 'time_zone', 4: 'status', 5: 'daylight_savings_begin', 6: 'daylight_savings_end', 7: 'daylight_savings_deviation', 8: 'daylight_savings_enabled', 9: 'clock_base' }, methods: { 1: 'adjust_to_quarter', 2: 'adjust_to_measuring_period', 3: 'adjust_to_minute', 4: 'adjust_to_preset_time', 5: 'preset_adjusting_time', 6: 'shift_time' }, source: 'BB' },
  9: { name: 'Script table', attributes: { 2: 'scripts' }, methods: { 1: 'execute' }, source: 'BB+GP' },
  10: { name: 'Schedule', attributes: { 2: 'entries' }, methods: { 1: 'enable_disable', 2: 'insert', 3: 'delete' }, source: 'BB+GP' },
  11: { name: 'Special days table', attributes: { 2: 'entries' }, methods: { 1: 'insert', 2: 'delete' }, source: 'BB+GP' },
  15: { name: 'Association LN', attributes: { 2: 'object_list', 3: 'associated_partners_id', 4: 'application_context_name', 5: 'xDLMS_context_info', 6: 'authentication_mechanism_name', 7: 'secret', 8: 'association_status', 9: 'security_setup_reference', 10: 'user_list', 11: 'current_user' }, methods: { 1: 'reply_to_HLS_authentication', 2: 'change_HLS_secret', 3: 'add_object', 4: 'remove_object', 5: 'add_user', 6: 'remove_user' }, source: 'BB' },
  18: { name: 'Image transfer', attributes: { 2: 'image_block_size', 3: 'image_transferred_blocks_status', 4: 'image_first_not_transferred_block_number', 5: 'image_transfer_enabled', 6: 'image_transfer_status', 7: 'image_to_activate_info' }, methods: { 1: 'image_transfer_initiate', 2: 'image_block_transfer', 3: 'image_verify', 4: 'image_activate' }, source: 'GBCS.md 5.7 + BB' },
  20: { name: 'Activity calendar', attributes: { 2: 'calendar_name_active', 3: 'season_profile_active', 4: 'week_profile_table_active', 5: 'day_profile_table_active', 6: 'calendar_name_passive', 7: 'season_profile_passive', 8: 'week_profile_table_passive', 9: 'day_profile_table_passive', 10: 'activate_passive_calendar_time' }, methods: { 1: 'activate_passive_calendar' }, source: 'BB+GP' },
  21: { name: 'Register monitor', attributes: { 2: 'thresholds', 3: 'monitored_value', 4: 'actions' }, methods: {}, source: 'BB+GP' },
  22: { name: 'Single action schedule', attributes: { 2: 'executed_script', 3: 'type', 4: 'execution_time' }, methods: {}, source: 'BB' },
  30: { name: 'Data protection', attributes: { 2: 'protection_buffer', 3: 'protection_object_list', 4: 'protection_parameters_get', 5: 'protection_parameters_set', 6: 'required_protection' }, methods: { 1: 'get_protected_attributes', 2: 'set_protected_attributes', 3: 'invoke_protected_method' }, source: 'BB+GP' },
  61: { name: 'Register table', attributes: { 2: 'table_cell_values', 3: 'table_cell_definition', 4: 'scaler_unit' }, methods: { 1: 'reset', 2: 'capture' }, source: 'BB' },
  64: { name: 'Security setup', attributes: { 2: 'security_policy', 3: 'security_suite', 4: 'client_system_title', 5: 'server_system_title', 6: 'certificates' }, methods: { 1: 'security_activate', 2: 'key_transfer', 3: 'key_agreement', 4: 'generate_key_pair', 5: 'generate_certificate_request', 6: 'import_certificate', 7: 'export_certificate', 8: 'remove_certificate' }, source: 'BB' },
  70: { name: 'Disconnect control', attributes: { 2: 'output_state', 3: 'control_state', 4: 'control_mode' }, methods: { 1: 'remote_disconnect', 2: 'remote_reconnect' }, source: 'BB' },
  71: { name: 'Limiter', attributes: { 2: 'monitored_value', 3: 'threshold_active', 4: 'threshold_normal', 5: 'threshold_emergency', 6: 'min_over_threshold_duration', 7: 'min_under_threshold_duration', 8: 'emergency_profile', 9: 'emergency_profile_group_id_list', 10: 'emergency_profile_active', 11: 'actions' }, methods: {}, source: 'BB' },
  104: { name: 'ZigBee network control', attributes: { 2: 'enable_disable_joining', 3: 'join_timeout', 4: 'active_devices' }, methods: { 1: 'register_device', 2: 'unregister_device', 3: 'unregister_all_devices', 4: 'backup_PAN', 5: 'restore_PAN', 6: 'identify_device', 7: 'remove_mirror', 8: 'update_network_key', 9: 'update_link_key', 10: 'create_PAN', 11: 'remove_PAN', 12: 'start_PAN', 13: 'stop_PAN', 14: 'update_PAN_ID' }, source: 'BB+GP' },
  111: { name: 'Account', attributes: { 2: 'account_mode_and_status', 3: 'current_credit_in_use', 4: 'current_credit_status', 5: 'available_credit', 6: 'amount_to_clear', 7: 'clearance_threshold', 8: 'aggregated_debt', 9: 'credit_reference_list', 10: 'charge_reference_list', 11: 'credit_charge_configuration', 12: 'token_gateway_configuration', 13: 'account_activation_time', 14: 'account_closure_time', 15: 'currency', 16: 'low_credit_threshold', 17: 'next_credit_available_threshold', 18: 'max_provision', 19: 'max_provision_period' }, methods: { 1: 'activate_account', 2: 'close_account', 3: 'reset_account' }, source: 'BB+GP+GX' },
  112: { name: 'Credit', attributes: { 2: 'current_credit_amount', 3: 'credit_type', 4: 'priority', 5: 'warning_threshold', 6: 'limit', 7: 'credit_configuration', 8: 'credit_status', 9: 'preset_credit_amount', 10: 'credit_available_threshold', 11: 'period' }, methods: { 1: 'update_amount', 2: 'set_amount_to_value', 3: 'invoke_credit' }, source: 'BB' },
  113: { name: 'Charge', attributes: { 2: 'total_amount_paid', 3: 'charge_type', 4: 'priority', 5: 'unit_charge_active', 6: 'unit_charge_passive', 7: 'unit_charge_activation_time', 8: 'period', 9: 'charge_configuration', 10: 'last_collection_time', 11: 'last_collection_amount', 12: 'total_amount_remaining', 13: 'proportion' }, methods: { 1: 'update_unit_charge', 2: 'activate_passive_unit_charge', 3: 'collect', 4: 'update_total_amount_remaining', 5: 'set_total_amount_remaining' }, source: 'BB+GP' },
  115: { name: 'Token gateway', attributes: { 2: 'token', 3: 'token_time', 4: 'token_description', 5: 'token_delivery_method', 6: 'token_status' }, methods: { 1: 'enter' }, source: 'BB+GP' },
  9000: { name: 'GBCS Extended Data', attributes: { 2: 'value_active', 3: 'scaler_unit_active', 4: 'value_passive', 5: 'scaler_unit_passive', 6: 'activate_passive_value_time' }, methods: {}, source: 'GP' },
};

/** Name of an interface class, or undefined. */
export function cosemClassName(classId: number): string | undefined {
  return COSEM_CLASS_INFO[classId]?.name;
}

/** Name of attribute `id` of a class (1 is logical_name for every class), or undefined. */
export function cosemAttributeName(classId: number, id: number): string | undefined {
  if (id === 1) return 'logical_name';
  return COSEM_CLASS_INFO[classId]?.attributes[id];
}

/** Name of method `id` of a class, or undefined. */
export function cosemMethodName(classId: number, id: number): string | undefined {
  return COSEM_CLASS_INFO[classId]?.methods[id];
}

type AlertRow = readonly [code: number, name: string, status: 'VERIFIED' | 'UNCONFIRMED'];

/** GBCS alert and event codes (NAMES.md 2.6, SOURCE:GP; 8F85-8F88 INFERRED = UNCONFIRMED). */
const ALERT_ROWS: readonly AlertRow[] = [
  [0x8002, 'Average RMS Voltage above Average RMS Over Voltage Threshold (now above, previously below)', 'VERIFIED'],
  [0x8003, 'Average RMS Voltage above Average RMS Over Voltage Threshold on Phase 1 (now above, previously below)', 'VERIFIED'],
  [0x8004, 'Average RMS Voltage above Average RMS Over Voltage Threshold on Phase 2 (now above, previously below)', 'VERIFIED'],
  [0x8005, 'Average RMS Voltage above Average RMS Over Voltage Threshold on Phase 3 (now above, previously below)', 'VERIFIED'],
  [0x8006, 'Average RMS Voltage below Average RMS Under Voltage Threshold (now below, previously above)', 'VERIFIED'],
  [0x8007, 'Average RMS Voltage below Average RMS Under Voltage Threshold on Phase 1 (now below, previously above)', 'VERIFIED'],
  [0x8008, 'Average RMS Voltage below Average RMS Under Voltage Threshold on Phase 2 (now below, previously above)', 'VERIFIED'],
  [0x8009, 'Average RMS Voltage below Average RMS Under Voltage Threshold on Phase 3 (now below, previously above)', 'VERIFIED'],
  [0x8010, 'Over Current', 'VERIFIED'],
  [0x8011, 'Over Current L1', 'VERIFIED'],
  [0x8013, 'Over Current L3', 'VERIFIED'],
  [0x8014, 'Power Factor Threshold Below', 'VERIFIED'],
  [0x8015, 'Power Factor Threshold Ok', 'VERIFIED'],
  [0x8016, 'Over Current L2', 'VERIFIED'],
  [0x8020, 'RMS Voltage above Extreme Over Voltage Threshold (rises above for longer than the configured period)', 'VERIFIED'],
  [0x8021, 'RMS Voltage above Extreme Over Voltage Threshold on Phase 1 (rises above for longer than the configured period)', 'VERIFIED'],
  [0x8022, 'RMS Voltage above Extreme Over Voltage Threshold on Phase 2 (rises above for longer than the configured period)', 'VERIFIED'],
  [0x8023, 'RMS Voltage above Extreme Over Voltage Threshold on Phase 3 (rises above for longer than the configured period)', 'VERIFIED'],
  [0x8024, 'RMS Voltage above Voltage Swell Threshold (rises above for longer than the configured period)', 'VERIFIED'],
  [0x8025, 'RMS Voltage above Voltage Swell Threshold on Phase 1 (rises above for longer than the configured period)', 'VERIFIED'],
  [0x8026, 'RMS Voltage above Voltage Swell Threshold on Phase 2 (rises above for longer than the configured period)', 'VERIFIED'],
  [0x8027, 'RMS Voltage above Voltage Swell Threshold on Phase 3 (rises above for longer than the configured period)', 'VERIFIED'],
  [0x8028, 'RMS Voltage below Extreme Under Voltage Threshold (falls below for longer than the configured period)', 'VERIFIED'],
  [0x8029, 'RMS Voltage below Extreme Under Voltage Threshold on Phase 1 (falls below for longer than the configured period)', 'VERIFIED'],
  [0x802a, 'RMS Voltage below Extreme Under Voltage Threshold on Phase 2 (falls below for longer than the configured period)', 'VERIFIED'],
  [0x802b, 'RMS Voltage below Extreme Under Voltage Threshold on Phase 3 (falls below for longer than the configured period)', 'VERIFIED'],
  [0x802c, 'RMS Voltage below Voltage Sag Threshold (falls below for longer than the configured period)', 'VERIFIED'],
  [0x802d, 'RMS Voltage below Voltage Sag Threshold on Phase 1 (falls below for longer than the configured period)', 'VERIFIED'],
  [0x802e, 'RMS Voltage below Voltage Sag Threshold on Phase 2 (falls below for longer than the configured period)', 'VERIFIED'],
  [0x802f, 'RMS Voltage below Voltage Sag Threshold on Phase 3 (falls below for longer than the configured period)', 'VERIFIED'],
  [0x8071, 'GPF Device Log Changed', 'VERIFIED'],
  [0x8085, 'Average RMS Voltage below Average RMS Over Voltage Threshold (now below, previously above)', 'VERIFIED'],
  [0x8086, 'Average RMS Voltage below Average RMS Over Voltage Threshold on Phase 1 (now below, previously above)', 'VERIFIED'],
  [0x8087, 'Average RMS Voltage below Average RMS Over Voltage Threshold on Phase 2 (now below, previously above)', 'VERIFIED'],
  [0x8088, 'Average RMS Voltage below Average RMS Over Voltage Threshold on Phase 3 (now below, previously above)', 'VERIFIED'],
  [0x8089, 'Average RMS Voltage above Average RMS Under Voltage Threshold (now above, previously below)', 'VERIFIED'],
  [0x808a, 'Average RMS Voltage above Average RMS Under Voltage Threshold on Phase 1 (now above, previously below)', 'VERIFIED'],
  [0x808b, 'Average RMS Voltage above Average RMS Under Voltage Threshold on Phase 2 (now above, previously below)', 'VERIFIED'],
  [0x808c, 'Average RMS Voltage above Average RMS Under Voltage Threshold on Phase 3 (now above, previously below)', 'VERIFIED'],
  [0x808d, 'RMS Voltage above Extreme Over Voltage Threshold (returns below for longer than the configured period)', 'VERIFIED'],
  [0x808e, 'RMS Voltage above Extreme Over Voltage Threshold on Phase 1 (returns below for longer than the configured period)', 'VERIFIED'],
  [0x808f, 'RMS Voltage above Extreme Over Voltage Threshold on Phase 2 (returns below for longer than the configured period)', 'VERIFIED'],
  [0x8090, 'RMS Voltage above Extreme Over Voltage Threshold on Phase 3 (returns below for longer than the configured period)', 'VERIFIED'],
  [0x8091, 'RMS Voltage above Voltage Swell Threshold (returns below for longer than the configured period)', 'VERIFIED'],
  [0x8092, 'RMS Voltage above Voltage Swell Threshold on Phase 1 (returns below for longer than the configured period)', 'VERIFIED'],
  [0x8093, 'RMS Voltage above Voltage Swell Threshold on Phase 2 (returns below for longer than the configured period)', 'VERIFIED'],
  [0x8094, 'RMS Voltage above Voltage Swell Threshold on Phase 3 (returns below for longer than the configured period)', 'VERIFIED'],
  [0x8095, 'RMS Voltage below Extreme Under Voltage Threshold (returns above for longer than the configured period)', 'VERIFIED'],
  [0x8096, 'RMS Voltage below Extreme Under Voltage Threshold on Phase 1 (returns above for longer than the configured period)', 'VERIFIED'],
  [0x8097, 'RMS Voltage below Extreme Under Voltage Threshold on Phase 2 (returns above for longer than the configured period)', 'VERIFIED'],
  [0x8098, 'RMS Voltage below Extreme Under Voltage Threshold on Phase 3 (returns above for longer than the configured period)', 'VERIFIED'],
  [0x8099, 'RMS Voltage below Voltage Sag Threshold (returns above for longer than the configured period)', 'VERIFIED'],
  [0x809a, 'RMS Voltage below Voltage Sag Threshold on Phase 1 (returns above for longer than the configured period)', 'VERIFIED'],
  [0x809b, 'RMS Voltage below Voltage Sag Threshold on Phase 2 (returns above for longer than the configured period)', 'VERIFIED'],
  [0x809c, 'RMS Voltage below Voltage Sag Threshold on Phase 3 (returns above for longer than the configured period)', 'VERIFIED'],
  [0x810d, 'Combined Credit Below Low Credit Threshold (prepayment mode)', 'VERIFIED'],
  [0x810e, 'Credit Added Locally', 'VERIFIED'],
  [0x8119, 'Emergency Credit Has Become Available (prepayment mode)', 'VERIFIED'],
  [0x8145, 'Clock adjusted (within tolerance)', 'VERIFIED'],
  [0x8154, 'Immediate HAN Interface Command Received and Successfully Actioned', 'VERIFIED'],
  [0x8155, 'Immediate HAN Interface Command Received but not Successfully Actioned', 'VERIFIED'],
  [0x8161, 'User Interface Command Input and Successfully Actioned', 'VERIFIED'],
  [0x8162, 'User Interface Command Input but not Successfully Actioned', 'VERIFIED'],
  [0x8168, 'Supply Disabled then Armed - Activate Emergency Credit triggered', 'VERIFIED'],
  [0x8183, 'Device joined SMHAN', 'VERIFIED'],
  [0x8184, 'Valve tested', 'VERIFIED'],
  [0x819d, 'GSME Command Not Retrieved', 'VERIFIED'],
  [0x819e, 'Tap Off Message Response or Alert Failure', 'VERIFIED'],
  [0x81a0, 'Smart Meter Integrity Issue - Warning', 'VERIFIED'],
  [0x81a1, 'Battery Cover Closed', 'VERIFIED'],
  [0x81a2, 'CH Connected to ESME', 'VERIFIED'],
  [0x81a3, 'CH Disconnected from ESME', 'VERIFIED'],
  [0x81a4, 'Close Tunnel Command Rejected', 'VERIFIED'],
  [0x81a5, 'Communication From Local Port (e.g. Optical)', 'VERIFIED'],
  [0x81a6, 'Customer Acknowledged Message on HAN Device', 'VERIFIED'],
  [0x81a7, 'Debt Collection Completed - Time Debt 1', 'VERIFIED'],
  [0x81a8, 'Debt Collection Completed - Time Debt 2', 'VERIFIED'],
  [0x81a9, 'Debt Collection Completed - Payment Debt', 'VERIFIED'],
  [0x81aa, 'Emergency Credit Exhausted', 'VERIFIED'],
  [0x81ab, 'Emergency Credit Activated', 'VERIFIED'],
  [0x81ac, 'Error Measurement Fault', 'VERIFIED'],
  [0x81ad, 'Error Metrology Firmware Verification Failure', 'VERIFIED'],
  [0x81ae, 'Error Non Volatile Memory', 'VERIFIED'],
  [0x81af, 'Error Program Execution', 'VERIFIED'],
  [0x81b0, 'Error Program Storage', 'VERIFIED'],
  [0x81b1, 'Error RAM', 'VERIFIED'],
  [0x81b2, 'Error Unexpected Hardware Reset', 'VERIFIED'],
  [0x81b3, 'Error Watchdog', 'VERIFIED'],
  [0x81b4, 'Excess Gas Flow Beyond Meter Capacity', 'VERIFIED'],
  [0x81b5, 'Flow Sensor Detects Air in Gas Flow', 'VERIFIED'],
  [0x81b6, 'Flow Sensor Detects Reverse Flow of Gas', 'VERIFIED'],
  [0x81b7, 'Incorrect phase sequencing', 'VERIFIED'],
  [0x81b8, 'Incorrect Polarity', 'VERIFIED'],
  [0x81b9, 'Meter Cover Closed', 'VERIFIED'],
  [0x81ba, 'Request Tunnel Command Rejected', 'VERIFIED'],
  [0x81bb, 'Reverse Current', 'VERIFIED'],
  [0x81bc, 'Strong Magnetic Field Removed', 'VERIFIED'],
  [0x81bd, 'Supply Connect Failure (Valve or Load Switch)', 'VERIFIED'],
  [0x81be, 'Supply Disabled Then Locked - Supply Tamper State Cause', 'VERIFIED'],
  [0x81bf, 'Supply Disabled Then Armed - Uncontrolled Gas Flow Rate', 'VERIFIED'],
  [0x81c0, 'Supply Disconnect Failure (Valve or Load Switch)', 'VERIFIED'],
  [0x81c1, 'Terminal Cover Closed', 'VERIFIED'],
  [0x81c2, 'Tilt Tamper Ended', 'VERIFIED'],
  [0x81c3, 'Tilt Tamper', 'VERIFIED'],
  [0x81c4, 'UTRN Manual Entry Suspended', 'VERIFIED'],
  [0x81c5, 'UTRN rejected as locked out', 'VERIFIED'],
  [0x81c6, 'Clock not adjusted (outside tolerance)', 'VERIFIED'],
  [0x8f01, 'Active Power Import above Load Limit Threshold', 'VERIFIED'],
  [0x8f0a, 'Billing Data Log Updated', 'VERIFIED'],
  [0x8f0c, 'Clock not adjusted (adjustment greater than 10 seconds)', 'VERIFIED'],
  [0x8f0f, 'Credit Below Disablement Threshold (prepayment mode)', 'VERIFIED'],
  [0x8f12, 'CHF Device Log Changed', 'VERIFIED'],
  [0x8f1b, 'Firmware Verification Failed At Power On', 'VERIFIED'],
  [0x8f1c, 'Firmware Verification Failed', 'VERIFIED'],
  [0x8f1d, 'GSME Power Supply Loss', 'VERIFIED'],
  [0x8f1e, 'Integrity check of content or format of command failed', 'VERIFIED'],
  [0x8f1f, 'Low Battery Capacity', 'VERIFIED'],
  [0x8f20, 'Limited Duty Cycle Action Taken', 'VERIFIED'],
  [0x8f21, 'Duty Cycle fallen below Normal-Limited Duty Cycle Threshold', 'VERIFIED'],
  [0x8f22, 'Critical Duty Cycle Action Taken', 'VERIFIED'],
  [0x8f23, 'Duty Cycle fallen below Limited-Critical Duty Cycle Threshold', 'VERIFIED'],
  [0x8f24, 'Regulated Duty Cycle Action Taken', 'VERIFIED'],
  [0x8f25, 'Duty Cycle fallen below Critical-Regulated Duty Cycle Threshold', 'VERIFIED'],
  [0x8f26, 'Sub GHz Channel Changed', 'VERIFIED'],
  [0x8f27, 'Sub GHz Channel Scan initiated', 'VERIFIED'],
  [0x8f28, 'Sub GHz Channel Scan Request Assessment Outcome', 'VERIFIED'],
  [0x8f29, 'Three Lost GSME Searches Failed', 'VERIFIED'],
  [0x8f2a, 'Sub GHz Configuration Changed', 'VERIFIED'],
  [0x8f2b, 'Sub GHz Channel not changed due to Frequency Agility Parameters', 'VERIFIED'],
  [0x8f2c, 'Message Discarded Due to Duty Cycle Management', 'VERIFIED'],
  [0x8f2d, 'No More Sub GHz Device Capacity', 'VERIFIED'],
  [0x8f30, 'Source Does not have Authority for Command', 'VERIFIED'],
  [0x8f32, 'Supply Armed', 'VERIFIED'],
  [0x8f33, 'Supply Disabled then Armed - Load Limit triggered', 'VERIFIED'],
  [0x8f34, 'Supply Enabled after Load Limit Restoration Period (Load Limit triggered)', 'VERIFIED'],
  [0x8f35, 'Supply Outage Restored', 'VERIFIED'],
  [0x8f36, 'Supply Outage Restored - Outage >= 3 minutes', 'VERIFIED'],
  [0x8f37, 'Supply Outage Restored on Phase 1', 'VERIFIED'],
  [0x8f38, 'Supply Outage Restored on Phase 1 Restored - Outage >= 3 minutes', 'VERIFIED'],
  [0x8f39, 'Supply Outage Restored on Phase 2 Restored', 'VERIFIED'],
  [0x8f3a, 'Supply Outage Restored on Phase 2 Restored - Outage >= 3 minutes', 'VERIFIED'],
  [0x8f3b, 'Supply Outage Restored on Phase 3 Restored', 'VERIFIED'],
  [0x8f3c, 'Supply Outage Restored on Phase 3 Restored - Outage >= 3 minutes', 'VERIFIED'],
  [0x8f3d, 'Trusted Source Authentication Failure', 'VERIFIED'],
  [0x8f3e, 'Unauthorised Communication Access attempted', 'VERIFIED'],
  [0x8f3f, 'Unauthorised Physical Access - Tamper Detect', 'VERIFIED'],
  [0x8f43, 'Change in the executing Firmware version', 'VERIFIED'],
  [0x8f47, 'Credit would cause Meter Balance to exceed Maximum Meter Balance Threshold', 'VERIFIED'],
  [0x8f48, 'Device joining failed', 'VERIFIED'],
  [0x8f49, 'Device joining succeeded', 'VERIFIED'],
  [0x8f4a, 'Device Unjoining failed', 'VERIFIED'],
  [0x8f4b, 'Device Unjoining succeeded', 'VERIFIED'],
  [0x8f4c, "Device's own Digital Signing Certificate replacement failed", 'VERIFIED'],
  [0x8f4d, "Device's own Digital Signing Certificate replacement succeeded", 'VERIFIED'],
  [0x8f4e, "Device's own Key Agreement Certificate replacement failed", 'VERIFIED'],
  [0x8f4f, "Device's own Key Agreement Certificate replacement succeeded", 'VERIFIED'],
  [0x8f51, 'Duplicate UTRN entered', 'VERIFIED'],
  [0x8f52, 'Event Log Cleared', 'VERIFIED'],
  [0x8f53, 'Failed Authentication or Authorisation not covered by other codes', 'VERIFIED'],
  [0x8f57, 'Supply interrupted', 'VERIFIED'],
  [0x8f58, 'Supply interrupted on Phase 1', 'VERIFIED'],
  [0x8f59, 'Supply interrupted on Phase 2', 'VERIFIED'],
  [0x8f5a, 'Supply interrupted on Phase 3', 'VERIFIED'],
  [0x8f5b, 'UTRN exceeds Maximum Credit Threshold', 'VERIFIED'],
  [0x8f60, 'Unusual numbers of malformed, out-of-order or unexpected Commands received', 'VERIFIED'],
  [0x8f63, 'UTRN not Authentic', 'VERIFIED'],
  [0x8f64, 'UTRN not for this Device', 'VERIFIED'],
  [0x8f66, 'Future-date HAN Interface Command Successfully Actioned', 'VERIFIED'],
  [0x8f67, 'Future-date HAN Interface Command not Successfully Actioned', 'VERIFIED'],
  [0x8f69, 'Device commissioned', 'VERIFIED'],
  [0x8f70, 'Update Security Credentials', 'VERIFIED'],
  [0x8f72, 'Firmware Verification Successful', 'VERIFIED'],
  [0x8f73, 'Unauthorised Physical Access - Battery Cover Removed', 'VERIFIED'],
  [0x8f74, 'Unauthorised Physical Access - Meter Cover Removed', 'VERIFIED'],
  [0x8f75, 'Unauthorised Physical Access - Strong Magnetic field', 'VERIFIED'],
  [0x8f76, 'Unauthorised Physical Access - Terminal Cover Removed', 'VERIFIED'],
  [0x8f77, 'Unauthorised Physical Access - Second Terminal Cover Removed', 'VERIFIED'],
  [0x8f78, 'Unauthorised Physical Access - Other', 'VERIFIED'],
  [0x8f82, 'Remaining Battery Capacity reset', 'VERIFIED'],
  [0x8f83, 'Disablement of Supply due to insufficient credit has been suspended', 'VERIFIED'],
  [0x8f84, 'Failure to Deliver Remote Party Message to ESME', 'VERIFIED'],
  [0x8f85, 'Command not supported by device (ECS100)', 'UNCONFIRMED'],
  [0x8f86, 'Limit APC level command processed (ECS101)', 'UNCONFIRMED'],
  [0x8f87, 'Limit APC level ended or cancelled (ECS102)', 'UNCONFIRMED'],
  [0x8f88, 'Operational update (ECS200)', 'UNCONFIRMED'],
  [0x8f89, 'Firmware transfer alert FAIL', 'VERIFIED'],
  [0x8f8a, 'Firmware transfer alert SUCCESS', 'VERIFIED'],
  [0x8f8b, 'Read Firmware version alert', 'VERIFIED'],];

let alertMap: Map<number, AlertRow> | undefined;

/** Name of a GBCS alert / event code (used as DLMS, GBZ and ASN.1 alert codes and in logs). */
export function alertCodeName(code: number): string | undefined {
  alertMap ??= new Map(ALERT_ROWS.map((r) => [r[0], r]));
  return alertMap.get(code)?.[1];
}

/** Name and status of an alert code, or undefined. */
export function alertCodeInfo(code: number): { readonly code: number; readonly name: string; readonly status: 'VERIFIED' | 'UNCONFIRMED' } | undefined {
  alertCodeName(code);
  const r = alertMap!.get(code);
  return r ? { code, name: r[1], status: r[2] } : undefined;
}

/** Every named alert code (documentation, tests). */
export function knownAlertCodes(): number[] {
  return ALERT_ROWS.map((r) => r[0]);
}
