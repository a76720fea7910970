/**
 * The hash functions protocol/ needs, backed by node:crypto. The text shortcuts hash a string's UTF-8
 * bytes natively: the load stream signs thousands of requests a second with them.
 */
import { createHash, createHmac } from 'node:crypto';
import type { HashFunctions } from '../protocol/auth.js';

export const nodeHash: HashFunctions = {
  sha256: (text) => new Uint8Array(createHash('sha256').update(text, 'utf8').digest()),
  hmacSha256: (key, data) => new Uint8Array(createHmac('sha256', Buffer.from(key, 'utf8')).update(data).digest()),
  md5: (text) => new Uint8Array(createHash('md5').update(text, 'utf8').digest()),
  text: {
    sha256Hex: (text) => createHash('sha256').update(text, 'utf8').digest('hex'),
    hmacSha256HexBase64: (key, text) => Buffer.from(createHmac('sha256', Buffer.from(key, 'utf8')).update(text, 'utf8').digest('hex'), 'latin1').toString('base64'),
    hmacSha256RawBase64: (key, text) => createHmac('sha256', Buffer.from(key, 'utf8')).update(text, 'utf8').digest('base64'),
  },
};
