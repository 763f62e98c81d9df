export { createKeyring, type Keyring, type SecretKey } from './keyring.ts';
export { KEY_FILE_NAME, loadKeyring } from './load-keyring.ts';
export { openSecret, sealSecret } from './seal-secret.ts';
