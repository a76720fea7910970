/** Help texts: `dlconform --help` and `dlconform <command> --help` describe every option. */
import { EXIT } from '../core/types.js';

export const MAIN_HELP = `dlconform — conformance, fuzzing and load-testing harness for DigiLocker issuer APIs

Usage: dlconform <command> [options]

Commands:
  run     run the conformance suite against an issuer described by a config file
  fuzz    generate requests against an issuer, check invariants, shrink failures to a replayable case
  timing  ts window and keyhash/HMAC timing side-channel tests against an issuer
  load    load-test the Pull Doc / Pull URI path with vegeta (smoke, ci, capacity, soak)
  csv     csv lint FILE: check a Push CSV file (columns, Aadhaar, URIs, dates, duplicates, guessable doc IDs) before upload
  report  report push --db FILE: the uploads a mock DigiLocker received, their findings, and (--config) whether each pushed URI is pullable
  serve   start the reference issuer (the embedded default target) on loopback (--chaos: the chaos target; --digilocker: a mock DigiLocker)
  demo    start the reference issuer and run the full suite against it (what \`npm start\` does)

Options:
  -h, --help       show help (also: dlconform <command> --help)
  -v, --version    print the version

Exit codes: ${EXIT.ok} no MUST-level failure; ${EXIT.conformanceFailure} conformance failure (or a check could not run);
${EXIT.usage} usage or config error; ${EXIT.unreachable} target unreachable; ${EXIT.nothingExecuted} nothing was executed.
`;

export const RUN_HELP = `Usage: dlconform run --config FILE [options]

Runs the conformance suite against the Pull URI (and Pull Doc) endpoints in FILE.
The API key is read from the environment variable the config names in "apiKeyEnv".

Options:
  -c, --config FILE      config file (JSON; schema: core/config/config.schema.json)
      --only SELECTOR    run only matching checks; repeatable or comma-separated
      --skip SELECTOR    leave out matching checks; repeatable or comma-separated
                         A selector is a check id or id prefix (pulluri.auth), a clause id
                         (echo-ts), an API (pulluri, pulldoc, pushcsv, pushuri, consistency), a section (auth,
                         content) or a
                         tag (security); * globs (pulluri.*.format-*).
      --report-dir DIR   where result.json, junit.xml, summary.md, transcript.jsonl go
                         (default: reports/<run-id>)
      --seed N           seed for txn values and the DigiLockerId (default: time-based; printed)
      --policy P         conformance | strict: conformance (default) blocks on MUST and SECURITY
                         failures and warns on SHOULD ones; strict blocks on warnings too
                         (overrides "policy" of the config)
      --list             list the selected checks and exit without sending anything
  -q, --quiet            no progress lines, only the summary
  -h, --help             this help
`;

export const SERVE_HELP = `Usage: dlconform serve [options]

Starts the reference issuer on 127.0.0.1 until interrupted (Ctrl-C).
Its API key is read from $DLCONFORM_API_KEY (or the variable named by --api-key-env).

Options:
      --profile P        1.0 | 3.0 | 1.13 (default 3.0)
      --port N           port on 127.0.0.1 (default 0: a free port)
      --documents N      documents in the seeded store (default 50)
      --seed N           store seed (default 1)
      --fault NAME       switch on a fault; repeatable or comma-separated (see --list-faults)
      --list-faults      list the fault switches and exit
      --variant NAME     switch on a variant: allowed but unusual behaviour that must pass;
                         repeatable or comma-separated (see --list-variants)
      --list-variants    list the variants and exit
      --hmac ENC         hex-base64 | raw-base64: the only HMAC encoding it verifies (default: both;
                         its config names hex-base64)
      --large-documents N  pad every certificate PDF to about N bytes (20000000: a 20 MB certificate)
      --rate-limit N     with --fault rate-limit: requests served per rolling minute (default 60)
      --retry-after S    with --fault rate-limit: answer HTTP 429 with Retry-After S instead of an HTML 403
      --chaos            start the chaos target instead (dlconform serve --chaos --help)
      --digilocker       start a mock DigiLocker for Push CSV / Push URI instead (dlconform serve --digilocker --help)
      --print-config     print a ready dlconform config for this issuer on stdout
      --write-config FILE  write that config to FILE, atomically, once the issuer listens
                         (a script can wait for FILE to exist, then run against it)
      --api-key-env NAME environment variable holding the API key (default DLCONFORM_API_KEY)
  -h, --help             this help
`;

export const DEMO_HELP = `Usage: dlconform demo [options]

Starts the reference issuer on a free loopback port with a random API key, runs the full
suite against it, writes the reports and stops the issuer. Exits with the suite's exit code.

Options:
      --profile P        1.0 | 3.0 | 1.13 (default 3.0)
      --fault NAME       switch on a fault in the issuer; repeatable (to see checks fail)
      --push-account     the issuer pushes its documents (and the pending one) with Push URI to
                         Account, as a partner into a test account, and the pushuriacct.* checks
                         run against the mock's /public/account/1/pushuri (faults push-acct-*)
      --only/--skip      as for run
      --report-dir DIR   as for run
      --seed N           as for run
      --policy P         as for run
  -q, --quiet            no progress lines, only the summary
  -h, --help             this help
`;
