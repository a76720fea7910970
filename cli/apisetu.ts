/**
 * Profile apisetu at the command line: `dlconform demo --profile apisetu` (the reference issuer
 * in API Setu's publisher form, fixtures/issuer/apisetu.ts, with the form's faults, and the
 * apisetu.* checks against it), and the refusal of the tools that speak only the Pull form.
 */
import { randomBytes } from 'node:crypto';
import { parseConfig, type Config } from '../core/config/index.js';
import { TOOL_VERSION } from '../core/version.js';
import { apiSetuConfig, DEFAULT_APISETU_CLIENT_ID, parseApiSetuFaults } from '../fixtures/issuer/apisetu.js';
import { startIssuer } from '../fixtures/issuer/index.js';
import { UsageError, usageOnError, withPolicy } from './args.js';
import { runAndReport, type SuiteOptions } from './run.js';

export async function demoApiSetu(faultValues: string[] | undefined, policy: string | undefined, options: SuiteOptions): Promise<number> {
  const faults = usageOnError(() => parseApiSetuFaults(faultValues));
  const apiKey = randomBytes(16).toString('hex');
  const keyEnv = 'DLCONFORM_DEMO_API_KEY';
  const clientIdEnv = 'DLCONFORM_DEMO_APISETU_CLIENT_ID';
  const issuer = await startIssuer({ apiKey, apiSetuFaults: faults });
  try {
    const json = apiSetuConfig(issuer.config(keyEnv), issuer.url, clientIdEnv);
    const parsed = parseConfig(json, { [keyEnv]: apiKey, [clientIdEnv]: DEFAULT_APISETU_CLIENT_ID }, 'reference issuer');
    process.stdout.write(`dlconform ${TOOL_VERSION}: reference issuer in API Setu's publisher form${faults.length ? ` (faults: ${faults.join(', ')})` : ''} on ${json.target.certificate}\n`);
    return await runAndReport(withPolicy(parsed.config, policy), apiKey, options);
  } finally {
    await issuer.close();
  }
}

/** fuzz, timing and load send Pull requests: a profile apisetu config has no Pull endpoint for them. */
export function refuseApiSetuConfig(config: Config, command: string): void {
  if (config.apiSetu) {
    throw new UsageError(`${command} speaks the Pull URI / Pull Doc form; profile "apisetu" (API Setu's publisher form) is judged by dlconform run and demo --profile apisetu only`);
  }
}
