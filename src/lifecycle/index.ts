// gbcs-codec/lifecycle: firmware lifecycle tools (Node or browser): the firmware repository and
// its CSV form (csv-parse), MP231 upgrade paths, MP105 firmware tracking, MP170 Alt HAN packages.
export {
  FirmwareRepository,
  FirmwareRepositoryError,
  DEVICE_TYPES,
  loadRepositoryJson,
  loadRepositoryCsv,
  repositoryToCsv,
  type DeviceType,
  type FirmwareEntry,
  type EditAuthor,
  type AuditRecord,
  type AuditAction,
  type EntryChanges,
} from './repository.js';
export {
  planUpgrade,
  checkUpgrade,
  FirmwareUpgradeError,
  type UpgradeBlock,
  type UpgradeCheck,
  type UpgradePlan,
} from './upgradePath.js';
export {
  Premises,
  AltHanPackageError,
  ALT_HAN_VARIANTS,
  ALT_HAN_BRIDGES,
  summarizePackageImage,
  buildFirmwarePackage,
  splitFirmwarePackage,
  type AltHanVariant,
  type SiteDevice,
  type UpgradeImageSummary,
  type PackageDesign,
  type PackageImage,
  type PackageManifest,
  type PackagedImage,
} from './altHan.js';
export {
  FirmwareTracker,
  type FirmwareStatus,
  type ReconciledVia,
  type Reconciliation,
  type DeviceFirmwareState,
  type TrackerOptions,
  type TrackerNote,
} from './tracker.js';
