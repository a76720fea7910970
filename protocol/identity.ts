/**
 * The opt-in identity fields DigiLocker sends with a Pull request (UID, FullName, DOB, Photo): those
 * the issuer opted into, that the profile carries and that the document's owner has. One function
 * for every tool, so the suite, the fuzzer, the timing sampler and the load stream agree on what a
 * plain request carries. Plain data in, plain data out: protocol/ never reads the config itself.
 */
import { AADHAAR_PHOTO_JPEG } from './aadhaar-photo.js';
import { md5Hex, type HashFunctions } from './auth.js';
import type { OptInField } from './profiles.js';

export interface Identity {
  uid?: string;
  fullName?: string;
  dob?: string;
  photo?: string;
}

export interface OptIn {
  uid: boolean;
  fullName: boolean;
  dob: boolean;
  photo: boolean;
}

export interface Owner {
  fullName?: string;
  dob?: string;
  aadhaar?: string;
}

export const OPT_IN_FIELDS: readonly OptInField[] = ['UID', 'FullName', 'DOB', 'Photo'];

/** The Identity key that carries each opt-in element. */
export const IDENTITY_KEY = { UID: 'uid', FullName: 'fullName', DOB: 'dob', Photo: 'photo' } as const satisfies Record<OptInField, keyof Identity>;

export interface OptInSource {
  optIn: OptIn;
  /** the config's uidMode: UID is the MD5 of the Aadhaar number, or the number itself */
  uidMode: 'md5' | 'plain';
  /** the opt-in fields the profile carries for this API */
  fields: readonly OptInField[];
}

/**
 * The opted-in identity of a document's owner, as DigiLocker sends it. The Photo is a real JPEG of
 * an Aadhaar photo's size (about 30 KB, 40 KB of base64), so every tool's requests are as large as
 * DigiLocker's: an issuer that reads only the first kilobytes of a request fails them (FACTS C23).
 */
export function optedInIdentity(hash: HashFunctions, source: OptInSource, owner: Owner | undefined): Identity {
  const o = owner ?? {};
  const allowed = new Set(source.fields);
  const id: Identity = {};
  if (source.optIn.uid && allowed.has('UID') && o.aadhaar) id.uid = source.uidMode === 'md5' ? md5Hex(hash, o.aadhaar) : o.aadhaar;
  if (source.optIn.fullName && allowed.has('FullName') && o.fullName) id.fullName = o.fullName;
  if (source.optIn.dob && allowed.has('DOB') && o.dob) id.dob = o.dob;
  if (source.optIn.photo && allowed.has('Photo')) id.photo = AADHAAR_PHOTO_JPEG;
  return id;
}
