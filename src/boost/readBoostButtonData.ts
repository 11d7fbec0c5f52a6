// Moved to src/useCases/ecs61c.ts (the ECS61c use-case module); kept so existing imports keep working.
export {
  ECS61C_AFTER,
  ECS61C_BEFORE,
  ECS61C_MESSAGE_CODE,
  buildReadBoostButtonDataRequest,
  decodeReadBoostButtonDataRequest,
  decodeReadBoostButtonDataResponse,
  type BoostButtonObject,
  type DlmsScalar,
  type ReadBoostButtonData,
  type ReadBoostButtonDataCommand,
  type ReadBoostButtonDataRequest,
} from '../useCases/ecs61c.js';
