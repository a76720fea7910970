/**
 * `dlconform replay FILE… --config FILE`: the captured requests in FILE… (XML bodies, JSONL log
 * exports) replayed re-signed against the config's target, without the rest of the suite: the
 * usual reports and exit codes. No file is a usage error, never a pass.
 */
import { ConfigError, loadConfig } from '../core/config/index.js';
import { resolveReplayFiles } from '../core/config/replay-files.js';
import { capturedReplayChecks } from '../conformance/index.js';
import { parse, UsageError, withPolicy } from './args.js';
import { REPLAY_HELP } from './help.js';
import { runAndReport, suiteOptions, suiteRunOptions } from './run.js';

export async function replayCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(
    argv,
    {
      ...suiteOptions,
      config: { type: 'string', short: 'c' },
      expect: { type: 'string' },
      list: { type: 'boolean' },
    },
    'replay',
    true,
  );
  if (values.help) {
    process.stdout.write(REPLAY_HELP);
    return 0;
  }
  if (!values.config) throw new UsageError('replay needs --config FILE (see dlconform replay --help)');
  if (positionals.length === 0) throw new UsageError('replay needs at least one captured request FILE (an XML body or a JSONL export; see dlconform replay --help)');
  if (values.expect !== undefined && values.expect !== 'served' && values.expect !== 'refused') throw new UsageError(`--expect must be served or refused, got ${JSON.stringify(values.expect)}`);
  const options = suiteRunOptions(values);
  const loaded = await loadConfig(values.config, process.env);
  const config = withPolicy(loaded.config, values.policy);
  // files on the command line are named relative to where dlconform runs, not to the config
  const { files, issues } = resolveReplayFiles(positionals, process.cwd(), 'FILE', config);
  if (issues.length > 0) throw new ConfigError('replay', issues);
  const expect = (values.expect as 'served' | 'refused' | undefined) ?? config.replay?.expect ?? 'served';
  const replay = { ...config, replay: { files, expect } };
  return runAndReport(replay, loaded.apiKey, {
    ...options,
    list: !!values.list,
    checks: capturedReplayChecks(replay),
    ...(loaded.partner && { partner: loaded.partner }),
  });
}
