/** The hash functions spec/ needs, backed by node:crypto (k6 scripts inject k6/crypto instead). */
import { createHash, createHmac } from 'node:crypto';
import type { HashFunctions } from '../spec/auth.js';

export const nodeHash: HashFunctions = {
  sha256: (text) => new Uint8Array(createHash('sha256').update(text, 'utf8').digest()),
  hmacSha256: (key, data) => new Uint8Array(createHmac('sha256', Buffer.from(key, 'utf8')).update(data).digest()),
  md5: (text) => new Uint8Array(createHash('md5').update(text, 'utf8').digest()),
};
