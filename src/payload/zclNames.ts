// ZCL names for GBZ payloads (NAMES.md 1.1-1.3, 1.6): clusters, global and Smart Energy
// cluster-specific command names per direction, attribute names per cluster, statuses.
// Field layouts of the cluster-specific commands are in zclCommands.ts. Data only.

/** ZCL cluster names by cluster id. */
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
    ['Publish Change of Tenancy', 'Publish Change of Supplier', 'Request New Password Response', 'Update Site ID',
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

/** ZCL attribute names per cluster (NAMES.md 1.6; SOURCE:GP+WS, ranges after WS). */
export const ZCL_ATTRIBUTES: Readonly<Record<number, Readonly<Record<number, string>>>> = (() => {
  const basic: Record<number, string> = {
    0x0000: 'ZCLVersion', 0x0001: 'ApplicationVersion', 0x0002: 'StackVersion', 0x0003: 'HWVersion',
    0x0004: 'ManufacturerName', 0x0005: 'ModelIdentifier', 0x0006: 'DateCode', 0x0007: 'PowerSource',
  };
  const price: Record<number, string> = {
    0x010f: 'BlockThresholdCount', 0x0200: 'StartOfBlockPeriod', 0x0201: 'BlockPeriodDuration', 0x0202: 'ThresholdMultiplier',
    0x0203: 'ThresholdDivisor', 0x0204: 'BlockPeriodDurationType', 0x0300: 'CommodityType', 0x0301: 'StandingCharge',
    0x0302: 'ConversionFactor', 0x0303: 'ConversionFactorTrailingDigit', 0x0304: 'CalorificValue', 0x0305: 'CalorificValueUnit',
    0x0306: 'CalorificValueTrailingDigit', 0x0615: 'UnitOfMeasure', 0x0616: 'Currency', 0x0617: 'PriceTrailingDigit',
  };
  for (let t = 1; t <= 48; t++) price[t - 1] = `Tier${t}PriceLabel`;
  for (let b = 1; b <= 15; b++) price[0x0100 + b - 1] = `Block${b}Threshold`;
  for (let t = 1; t <= 15; t++) {
    for (let b = 1; b <= 15; b++) price[0x0110 + 0x10 * (t - 1) + b - 1] = `Tier${t}Block${b}Threshold`;
    price[0x0110 + 0x10 * (t - 1) + 15] = `Tier${t}BlockThresholdCount`;
  }
  for (let b = 1; b <= 16; b++) price[0x0400 + b - 1] = `NoTierBlock${b}Price`;
  for (let t = 1; t <= 15; t++) for (let b = 1; b <= 16; b++) price[0x0410 + 0x10 * (t - 1) + b - 1] = `Tier${t}Block${b}Price`;
  const metering: Record<number, string> = {
    0x0000: 'CurrentSummationDelivered', 0x0001: 'CurrentSummationReceived', 0x0002: 'CurrentMaxDemandDelivered',
    0x0014: 'SupplyStatus', 0x0200: 'Status', 0x0205: 'RemainingBatteryLifeInDays',
    0x0206: 'CurrentMeterID (firmware version in GBCS, GCS38)', 0x0300: 'UnitOfMeasure', 0x0301: 'Multiplier', 0x0302: 'Divisor',
    0x0303: 'SummationFormatting', 0x0306: 'MeteringDeviceType', 0x0307: 'SiteID', 0x0308: 'MeterSerialNumber',
    0x0400: 'InstantaneousDemand', 0x0401: 'CurrentDayConsumptionDelivered', 0x0403: 'PreviousDayConsumptionDelivered',
    0x0607: 'SupplyTamperState', 0x0608: 'SupplyDepletionState', 0x0a00: 'BillToDateDelivered',
    0x0b00: 'ProposedChangeSupplyImplementationTime', 0x0b01: 'ProposedChangeSupplyStatus', 0x0b10: 'UncontrolledFlowThreshold',
    0x0b11: 'UncontrolledFlowThresholdUnitOfMeasure', 0x0b12: 'UncontrolledFlowMultiplier', 0x0b13: 'UncontrolledFlowDivisor',
    0x0b14: 'FlowStabilisationPeriod', 0x0b15: 'FlowMeasurementPeriod',
  };
  for (let t = 1; t <= 48; t++) {
    metering[0x0100 + 2 * (t - 1)] = `CurrentTier${t}SummationDelivered`;
    metering[0x0101 + 2 * (t - 1)] = `CurrentTier${t}SummationReceived`;
  }
  for (let b = 1; b <= 16; b++) metering[0x0700 + b - 1] = `CurrentNoTierBlock${b}SummationDelivered`;
  const prepayment: Record<number, string> = {
    0x0000: 'PaymentControlConfiguration', 0x0001: 'CreditRemaining', 0x0002: 'EmergencyCreditRemaining',
    0x0003: 'CreditStatus', 0x0004: 'CreditRemainingTimeStamp', 0x0005: 'AccumulatedDebt', 0x0006: 'OverallDebtCap',
    0x0010: 'EmergencyCreditLimitAllowance', 0x0011: 'EmergencyCreditThreshold', 0x0020: 'TotalCreditAdded',
    0x0021: 'MaxCreditLimit', 0x0022: 'MaxCreditPerTopUp', 0x0030: 'FriendlyCreditWarning', 0x0031: 'LowCreditWarningLevel',
    0x0032: 'IHDLowCreditWarning', 0x0033: 'InterruptSuspendTime', 0x0034: 'RemainingFriendlyCreditTime',
    0x0035: 'NextFriendlyCreditPeriod', 0x0040: 'CutOffValue', 0x0080: 'TokenCarrierID',
  };
  for (let k = 1; k <= 5; k++) {
    const at = 0x0100 + 0x10 * (k - 1);
    prepayment[at] = `TopUpDateTime${k}`;
    prepayment[at + 1] = `TopUpAmount${k}`;
    prepayment[at + 2] = `OriginatingDevice${k}`;
    prepayment[at + 3] = `TopUpCode${k}`;
  }
  for (let n = 1; n <= 3; n++) {
    const at = 0x0210 + 0x10 * (n - 1);
    prepayment[at] = `DebtLabel${n}`;
    prepayment[at + 1] = `DebtAmount${n}`;
    prepayment[at + 2] = `DebtRecoveryMethod${n}`;
    prepayment[at + 3] = `DebtRecoveryStartTime${n}`;
    prepayment[at + 4] = `DebtRecoveryCollectionTime${n}`;
    prepayment[at + 6] = `DebtRecoveryFrequency${n}`;
    prepayment[at + 7] = `DebtRecoveryAmount${n}`;
    prepayment[at + 9] = `DebtRecoveryTopUpPercentage${n}`;
  }
  return { 0x0000: basic, 0x0700: price, 0x0702: metering, 0x0705: prepayment };
})();

/** ZCL status codes (NAMES.md 1.2; SOURCE:GP+WS). */
export const ZCL_STATUS: Readonly<Record<number, string>> = {
  0x00: 'SUCCESS', 0x01: 'FAILURE', 0x7e: 'NOT_AUTHORIZED', 0x7f: 'RESERVED_FIELD_NOT_ZERO', 0x80: 'MALFORMED_COMMAND',
  0x81: 'UNSUP_CLUSTER_COMMAND', 0x82: 'UNSUP_GENERAL_COMMAND', 0x83: 'UNSUP_MANUF_CLUSTER_COMMAND', 0x84: 'UNSUP_MANUF_GENERAL_COMMAND',
  0x85: 'INVALID_FIELD', 0x86: 'UNSUPPORTED_ATTRIBUTE', 0x87: 'INVALID_VALUE', 0x88: 'READ_ONLY', 0x89: 'INSUFFICIENT_SPACE',
  0x8a: 'DUPLICATE_EXISTS', 0x8b: 'NOT_FOUND', 0x8c: 'UNREPORTABLE_ATTRIBUTE', 0x8d: 'INVALID_DATA_TYPE', 0x8e: 'INVALID_SELECTOR',
  0x8f: 'WRITE_ONLY', 0x90: 'INCONSISTENT_STARTUP_STATE', 0x91: 'DEFINED_OUT_OF_BAND', 0x92: 'INCONSISTENT', 0x93: 'ACTION_DENIED',
  0x94: 'TIMEOUT', 0x95: 'ABORT', 0x96: 'INVALID_IMAGE', 0x97: 'WAIT_FOR_DATA', 0x98: 'NO_IMAGE_AVAILABLE', 0x99: 'REQUIRE_MORE_IMAGE',
  0xc0: 'HARDWARE_FAILURE', 0xc1: 'SOFTWARE_FAILURE', 0xc2: 'CALIBRATION_ERROR',
};
