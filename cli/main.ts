/** The dlconform command line: dispatch only; each command's code is loaded when it runs. */
import { UsageError } from './args.js';
import { MAIN_HELP } from './help.js';
import { TOOL_VERSION } from '../core/version.js';
import { EXIT } from '../core/types.js';

function print(text: string): number {
  process.stdout.write(text);
  return EXIT.ok;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'run':
        return await (await import('./commands.js')).run(rest);
      case 'serve':
        return await (await import('./commands.js')).serve(rest);
      case 'demo':
        if (rest.includes('--partner')) return await (await import('./partner.js')).partnerDemo(rest);
        return await (await import('./commands.js')).demo(rest);
      case 'fuzz':
        return await (await import('./fuzz.js')).fuzzCommand(rest);
      case 'csv':
        return await (await import('./csv.js')).csvCommand(rest);
      case 'report':
        if (rest[0] === 'partner') return await (await import('./partner.js')).reportPartner(rest);
        return await (await import('./digilocker.js')).reportPush(rest);
      case 'load':
        return await (await import('./load.js')).loadCommand(rest);
      case 'timing':
        return await (await import('./timing.js')).timingCommand(rest);
      case 'init':
        return await (await import('./init.js')).initCommand(rest);
      case 'bundle':
        return await (await import('./bundle.js')).bundleCommand(rest);
      case 'verify':
        return await (await import('./bundle.js')).verifyCommand(rest);
      case 'keygen':
        return await (await import('./bundle.js')).keygenCommand(rest);
      case 'requester':
        return await (await import('./requester.js')).requesterCommand(rest);
      case 'widget':
        return await (await import('./widget.js')).widgetCommand(rest);
      case 'replay':
        return await (await import('./replay.js')).replayCommand(rest);
      case '-v':
      case '--version':
        return print(`${TOOL_VERSION}\n`);
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        return print(MAIN_HELP);
      default:
        throw new UsageError(
          `unknown command ${JSON.stringify(command)}; commands: run, fuzz, timing, load, csv, report, serve, demo, init, bundle, verify, keygen, replay, requester, widget (dlconform --help)`,
        );
    }
  } catch (err) {
    const { ConfigError } = await import('../core/config/index.js');
    if (err instanceof ConfigError || err instanceof UsageError) {
      process.stderr.write(`dlconform: ${err.message}\n`);
      return EXIT.usage;
    }
    process.stderr.write(`dlconform: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    // an internal error is reported as a failed run: CI must not pass it
    return EXIT.conformanceFailure;
  }
}

// A reader that stops early (`dlconform run | head`) closes the pipe: stop quietly, as a process
// killed by SIGPIPE does, never with 0: the run did not finish.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(EXIT.brokenPipe);
    throw err;
  });
}

const code = await main(process.argv.slice(2));
process.exitCode = code;
// A handle left open by a hostile target must not keep the process (and a CI job) alive.
setTimeout(() => process.exit(code), 2000).unref();
