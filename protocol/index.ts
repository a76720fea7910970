/** protocol/: the protocol, pure TypeScript with no node: imports. */
export * from './aadhaar.js';
export * from './auth.js';
export * from './body.js';
export * from './bytes.js';
export * from './certificate.js';
export * from './dates.js';
export * from './clauses.js';
export * from './leaks.js';
export * from './profiles.js';
export * from './push.js';
export * from './identity.js';
export * from './request-factory.js';
export * from './requests.js';
export * from './responses.js';
export * from './time.js';
export * from './uri.js';
export * from './xml.js';
