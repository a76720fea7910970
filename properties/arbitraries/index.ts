/** Arbitraries for DigiLocker issuer messages, built on protocol/ (see properties/README.md). */
export * from './aadhaar.js';
export * from './dates.js';
export * from './mutations.js';
export * from './requests.js';
export * from './search.js';
export * from './text.js';
export * from './time.js';
export * from './txn.js';
export * from './uri.js';
export * from './params.js';
