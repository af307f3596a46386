export { PrivacyError } from './errors.js';
export type { PrivacyErrorCode } from './errors.js';
export { loadMasterKey, readOrCreateKeyFile } from './master-key.js';
export { readExistingKeyFile, readMasterKey } from './key-reader.js';
export { Vault } from './vault.js';
export { maskEmail, maskName, maskValue } from './mask.js';
export { RelayAliases, isRelayAlias } from './relay-alias.js';
