// Moved to src/useCases/receipts.ts (FDRA and CCS08 modules); kept so existing imports keep working.
export {
  CCS08_MESSAGE_CODE,
  CCS08_STATUS_NAMES,
  FDRA_DLMS_MESSAGE_CODE,
  FDRA_GBZ_MESSAGE_CODE,
  FW_TRANSFER_FAIL,
  FW_TRANSFER_SUCCESS,
  FW_VERIFICATION_FAILED,
  FW_VERIFICATION_OK,
  decodeCcs08,
  decodeFdraDlms,
  decodeFdraGbz,
  encodeFirmwareReceipt,
  type FirmwareReceipt,
  type FirmwareReceiptInit,
} from '../useCases/receipts.js';
