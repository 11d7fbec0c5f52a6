// Names for codes that appear inside payloads: DLMS results and specs, ZCL clusters,
// commands, attributes, statuses and data types, GBZ alert codes.

/** DLMS Data-Access-Result / Action-Result (GBCS.md 3.2). */
export const DATA_ACCESS_RESULTS: Readonly<Record<number, string>> = {
  0: 'success', 1: 'hardware-fault', 2: 'temporary-failure', 3: 'read-write-denied', 4: 'object-undefined',
  9: 'object-class-inconsistent', 11: 'object-unavailable', 12: 'type-unmatched', 13: 'scope-of-access-violated',
  14: 'data-block-unavailable', 15: 'long-get-aborted', 16: 'no-long-get-in-progress', 17: 'long-set-aborted',
  18: 'no-long-set-in-progress', 19: 'data-block-number-invalid', 250: 'other-reason',
};

export type DlmsSpecKind = 'get' | 'set' | 'action' | 'get-with-selection' | 'set-with-selection';
export const SPEC_KINDS: readonly DlmsSpecKind[] = ['get', 'set', 'action', 'get-with-selection', 'set-with-selection'];

/** COSEM interface classes seen in GBCS. */
export const COSEM_CLASSES: Readonly<Record<number, string>> = {
  1: 'Data', 3: 'Register', 4: 'Extended register', 5: 'Demand register', 7: 'Profile generic', 8: 'Clock',
  9: 'Script table', 11: 'Special days table', 15: 'Association LN', 18: 'Image transfer', 20: 'Activity calendar',
  21: 'Register monitor', 22: 'Single action schedule', 30: 'Data protection', 61: 'Register table', 70: 'Disconnect control',
  71: 'Limiter', 111: 'Account', 112: 'Credit', 113: 'Charge', 115: 'Token gateway',
};

export const ZCL_CLUSTERS: Readonly<Record<number, string>> = {
  0x0000: 'Basic', 0x0019: 'OTA Upgrade', 0x0700: 'Price', 0x0701: 'Demand Response and Load Control', 0x0702: 'Metering',
  0x0703: 'Messaging', 0x0704: 'Tunneling', 0x0705: 'Prepayment', 0x0706: 'Energy Management', 0x0707: 'Calendar',
  0x0708: 'Device Management', 0x0709: 'Events', 0x070a: 'MDU Pairing', 0x070b: 'Sub-GHz',
};

export const ZCL_GLOBAL_COMMANDS: Readonly<Record<number, string>> = {
  0x00: 'Read Attributes', 0x01: 'Read Attributes Response', 0x02: 'Write Attributes', 0x03: 'Write Attributes Undivided',
  0x04: 'Write Attributes Response', 0x05: 'Write Attributes No Response', 0x06: 'Configure Reporting',
  0x07: 'Configure Reporting Response', 0x08: 'Read Reporting Configuration', 0x09: 'Read Reporting Configuration Response',
  0x0a: 'Report Attributes', 0x0b: 'Default Response', 0x0c: 'Discover Attributes', 0x0d: 'Discover Attributes Response',
};

/** Smart Energy cluster-specific commands: [client-to-server, server-to-client] names by cluster. */
const SE_COMMANDS: Readonly<Record<number, readonly [readonly string[], readonly string[]]>> = {
  0x0700: [
    ['Get Current Price', 'Get Scheduled Prices', 'Price Acknowledgement', 'Get Block Period(s)', 'Get Conversion Factor',
      'Get Calorific Value', 'Get Tariff Information', 'Get Price Matrix', 'Get Block Thresholds', 'Get CO2 Value',
      'Get Tier Labels', 'Get Billing Period', 'Get Consolidated Bill', 'CPP Event Response', 'Get Credit Payment',
      'Get Currency Conversion', 'Get Tariff Cancellation'],
    ['Publish Price', 'Publish Block Period', 'Publish Conversion Factor', 'Publish Calorific Value',
      'Publish Tariff Information', 'Publish Price Matrix', 'Publish Block Thresholds', 'Publish CO2 Value',
      'Publish Tier Labels', 'Publish Billing Period', 'Publish Consolidated Bill', 'Publish CPP Event',
      'Publish Credit Payment', 'Publish Currency Conversion', 'Cancel Tariff'],
  ],
  0x0702: [
    ['Get Profile', 'Request Mirror Response', 'Mirror Removed', 'Request Fast Poll Mode', 'Schedule Snapshot',
      'Take Snapshot', 'Get Snapshot', 'Start Sampling', 'Get Sampled Data', 'Mirror Report Attribute Response',
      'Reset Load Limit Counter', 'Change Supply', 'Local Change Supply', 'Set Supply Status', 'Set Uncontrolled Flow Threshold'],
    ['Get Profile Response', 'Request Mirror', 'Remove Mirror', 'Request Fast Poll Mode Response',
      'Schedule Snapshot Response', 'Take Snapshot Response', 'Publish Snapshot', 'Get Sampled Data Response',
      'Configure Mirror', 'Configure Notification Scheme', 'Configure Notification Flags', 'Get Notified Message',
      'Supply Status Response', 'Start Sampling Response'],
  ],
  0x0703: [
    ['Get Last Message', 'Message Confirmation', 'Get Message Cancellation'],
    ['Display Message', 'Cancel Message', 'Display Protected Message', 'Cancel All Messages'],
  ],
  0x0705: [
    ['Select Available Emergency Credit', '', 'Change Debt', 'Emergency Credit Setup', 'Consumer Top Up', 'Credit Adjustment',
      'Change Payment Mode', 'Get Prepay Snapshot', 'Get Top Up Log', 'Set Low Credit Warning Level', 'Get Debt Repayment Log',
      'Set Maximum Credit Limit', 'Set Overall Debt Cap'],
    ['', 'Publish Prepay Snapshot', 'Change Payment Mode Response', 'Consumer Top Up Response', '', 'Publish Top Up Log',
      'Publish Debt Log'],
  ],
  0x0707: [
    ['Get Calendar', 'Get Day Profiles', 'Get Week Profiles', 'Get Seasons', 'Get Special Days', 'Get Calendar Cancellation'],
    ['Publish Calendar', 'Publish Day Profile', 'Publish Week Profile', 'Publish Seasons', 'Publish Special Days', 'Cancel Calendar'],
  ],
  0x0708: [
    ['Get Change of Tenancy', 'Get Change of Supplier', 'Request New Password', 'Get Site ID', 'Report Event Configuration', 'Get CIN'],
    ['Publish Change of Tenancy', 'Publish Change of Supplier', 'Request New Password Response', 'Update SiteID',
      'Set Event Configuration', 'Get Event Configuration', 'Update CIN'],
  ],
  0x0709: [
    ['Get Event Log', 'Clear Event Log Request'],
    ['Publish Event', 'Publish Event Log', 'Clear Event Log Response'],
  ],
};

/** Name of a ZCL command from its cluster, frame control and id (undefined when unknown). */
export function zclCommandName(clusterId: number, frameControl: number, commandId: number): string | undefined {
  if ((frameControl & 0x03) === 0) return ZCL_GLOBAL_COMMANDS[commandId];
  const names = SE_COMMANDS[clusterId]?.[(frameControl & 0x08) !== 0 ? 1 : 0];
  const n = names?.[commandId];
  return n ? n : undefined;
}

export const ZCL_ATTRIBUTES: Readonly<Record<number, Readonly<Record<number, string>>>> = {
  0x0000: {
    0x0000: 'ZCLVersion', 0x0001: 'ApplicationVersion', 0x0002: 'StackVersion', 0x0003: 'HWVersion',
    0x0004: 'ManufacturerName', 0x0005: 'ModelIdentifier', 0x0006: 'DateCode', 0x0007: 'PowerSource',
  },
  0x0702: {
    0x0000: 'CurrentSummationDelivered', 0x0001: 'CurrentSummationReceived', 0x0002: 'CurrentMaxDemandDelivered',
    0x0100: 'CurrentTier1SummationDelivered', 0x0102: 'CurrentTier2SummationDelivered', 0x0104: 'CurrentTier3SummationDelivered',
    0x0106: 'CurrentTier4SummationDelivered', 0x0200: 'Status', 0x0206: 'FirmwareVersion (GBCS GCS38)',
    0x0300: 'UnitOfMeasure', 0x0301: 'Multiplier', 0x0302: 'Divisor', 0x0303: 'SummationFormatting',
    0x0306: 'MeteringDeviceType', 0x0307: 'SiteID', 0x0308: 'MeterSerialNumber', 0x0400: 'InstantaneousDemand',
    0x0401: 'CurrentDayConsumptionDelivered', 0x0403: 'PreviousDayConsumptionDelivered',
  },
  0x0705: {
    0x0000: 'PaymentControlConfiguration', 0x0001: 'CreditRemaining', 0x0002: 'EmergencyCreditRemaining',
    0x0003: 'CreditStatus', 0x0004: 'CreditRemainingTimeStamp', 0x0005: 'AccumulatedDebt', 0x0006: 'OverallDebtCap',
    0x0010: 'EmergencyCreditLimitAllowance', 0x0011: 'EmergencyCreditThreshold', 0x0020: 'TotalCreditAdded',
    0x0021: 'MaxCreditLimit', 0x0022: 'MaxCreditPerTopUp', 0x0031: 'LowCreditWarningLevel', 0x0040: 'CutOffValue',
  },
};

export const ZCL_STATUS: Readonly<Record<number, string>> = {
  0x00: 'SUCCESS', 0x01: 'FAILURE', 0x7e: 'NOT_AUTHORIZED', 0x80: 'MALFORMED_COMMAND', 0x81: 'UNSUP_CLUSTER_COMMAND',
  0x82: 'UNSUP_GENERAL_COMMAND', 0x85: 'INVALID_FIELD', 0x86: 'UNSUPPORTED_ATTRIBUTE', 0x87: 'INVALID_VALUE',
  0x88: 'READ_ONLY', 0x89: 'INSUFFICIENT_SPACE', 0x8b: 'NOT_FOUND', 0x8c: 'UNREPORTABLE_ATTRIBUTE',
  0x8d: 'INVALID_DATA_TYPE', 0x94: 'TIMEOUT', 0x95: 'ABORT', 0x96: 'INVALID_IMAGE', 0x97: 'WAIT_FOR_DATA',
  0x98: 'NO_IMAGE_AVAILABLE', 0x99: 'REQUIRE_MORE_IMAGE', 0xc0: 'HARDWARE_FAILURE', 0xc1: 'SOFTWARE_FAILURE',
};

/** GBZ / DLMS alert codes named in GBCS.md (sections 3.3, 4 and 5). */
export const ALERT_CODES: Readonly<Record<number, string>> = {
  0x8f66: 'future-dated command actioned', 0x8f67: 'future-dated command not actioned',
  0x8f72: 'firmware verification successful', 0x8f1c: 'firmware verification failed',
  0x8f1b: 'firmware verification failed at power-on', 0x8f43: 'executing firmware version changed',
  0x8f89: 'firmware transfer failed', 0x8f8a: 'firmware transfer succeeded', 0x8f8b: 'read firmware version',
  0x81ad: 'metrology firmware verification failure', 0x81a0: 'integrity warning',
};

/** Seconds since 2000-01-01T00:00Z (GBZ alert/from-date-time, ZCL UTCTime, DLMS range selectors) as ISO text. */
export function secondsSince2000(s: number): string {
  return new Date(Date.UTC(2000, 0, 1) + s * 1000).toISOString().replace('.000Z', 'Z');
}
