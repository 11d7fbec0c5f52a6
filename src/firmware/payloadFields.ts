// Moved to src/useCases/fields.ts (the field readers of every use-case view); kept so
// existing imports keep working.
export * from '../useCases/fields.js';
