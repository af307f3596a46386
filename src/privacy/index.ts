export { PrivacyError } from './errors.js';
export type { PrivacyErrorCode } from './errors.js';
export { loadMasterKey, readOrCreateKeyFile } from './master-key.js';
export { Vault } from './vault.js';
export { maskEmail, maskName, maskValue } from './mask.js';
export { RelayAliases, isRelayAlias } from './relay-alias.js';
export { PERSON_KINDS, PersonalData, normaliseFieldName } from './personal-data.js';
export type { PersonKind, PersonalDataDeclaration } from './personal-data.js';
export { readPersonalDataSection } from './org-profile.js';
