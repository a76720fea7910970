/** The config file's public API: what tools import to read a config and use its values. */
export {
  CLIENT_DEFAULTS,
  DEFAULT_TS_OFFSET,
  defaultsFor,
  loadConfig,
  parseConfig,
} from './resolve.js';
export { closest, pointerToPath } from './schema-errors.js';
export { locateJsonError } from './json-locator.js';
export {
  ConfigError,
  PUSHED_LIMIT_DEFAULT,
  TS_WINDOW_DEFAULTS,
  type Config,
  type ConfigIssue,
  type DocumentSpec,
  type FormatAbsentExpectation,
  type LoadConfig,
  type LoadConstantConfig,
  type Owner,
  type PushedSource,
  type SearchSpec,
  type TsWindow,
  type UidMode,
} from './types.js';
