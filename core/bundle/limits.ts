/**
 * Size limits of an evidence bundle, the same for making and for verifying one: a bundle this
 * tool writes always verifies, and a hostile one (a gzip bomb, a huge entry) is refused after a
 * bounded amount of work.
 */
export const MAX_ENTRY_BYTES = 512 * 1024 * 1024;
export const MAX_BUNDLE_BYTES = 2 * 1024 * 1024 * 1024;
export const MAX_ENTRIES = 10_000;
/** manifest.json, manifest.sig and manifest.pub.pem are read into memory: small */
export const MAX_MANIFEST_BYTES = 16 * 1024 * 1024;
