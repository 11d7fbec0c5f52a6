// Moved to src/useCases/firmwareVersion.ts (SR 11.2 reads and CS09); kept so existing imports keep working.
export {
  ACTIVATE_IMAGE_RESULTS,
  FIRMWARE_VERSION_MESSAGE_CODES,
  buildReadFirmwareVersionRequest,
  decodeCs08Response,
  decodeCs09Alert,
  decodeEcs52Response,
  decodeGcs38Response,
  encodeFirmwareVersion,
  readFirmwareVersionFrame,
  type FirmwareVersion,
  type FirmwareVersionUseCase,
  type ReadFirmwareVersionFrameInit,
} from '../useCases/firmwareVersion.js';
