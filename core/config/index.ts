/** The config file's public API: what tools import to read a config and use its values. */
export {
  defaultsFor,
  loadConfig,
  parseConfig,
} from './resolve.js';
export {
  ConfigError,
  type Config,
  type DocumentSpec,
  type LoadConfig,
  type Owner,
  type PartnerCredentials,
  type PushedSource,
  type TsWindow,
} from './types.js';
export { loadWaivers, type Waiver } from './waivers.js';
