/** Help texts: `dlconform --help` and `dlconform <command> --help` describe every option. */
import { EXIT } from '../core/types.js';

/** --bundle and --sign-key as run, fuzz, timing and load list them; `column`: where their help texts start. */
export function bundleOptionsHelp(column = 25): string {
  const rows: Array<[string, string[]]> = [
    [
      '--bundle FILE',
      [
        'also write an evidence bundle FILE (.tar.gz): the reports, the config',
        "without secrets, the waivers in force and manifest.json (every file's",
        'SHA-256, tool version and commit, Node, profile, policy, seed, catalogue hash)',
      ],
    ],
    ['--sign-key FILE', ['sign the bundle manifest with this Ed25519 private key (PEM; see', 'dlconform keygen)']],
  ];
  return rows.flatMap(([flag, text]) => text.map((line, i) => `${(i === 0 ? `      ${flag}` : '').padEnd(column)}${line}`)).join('\n');
}

export const MAIN_HELP = `dlconform — conformance, fuzzing and load-testing harness for DigiLocker issuer APIs

Usage: dlconform <command> [options]

Commands:
  run     run the conformance suite against an issuer described by a config file
  fuzz    generate requests against an issuer, check invariants, shrink failures to a replayable case
  timing  ts window and keyhash/HMAC timing side-channel tests against an issuer
  load    load-test the Pull Doc / Pull URI path with vegeta (smoke, ci, capacity, soak)
  csv     csv lint FILE: check a Push CSV file (columns, Aadhaar, URIs, dates, duplicates, guessable doc IDs) before upload
  report  report push --db FILE: the uploads a mock DigiLocker received, their findings, and (--config) whether each pushed URI is pullable
          report partner --db FILE: what a partner's client did with a mock DigiLocker's OAuth 2.0 + PKCE and file upload, and the rules it broke
  serve   start the reference issuer (the embedded default target) on loopback (--chaos: the chaos target; --digilocker: a mock DigiLocker)
  demo    start the reference issuer and run the full suite against it (what \`npm start\` does)
          demo --partner: the reference partner client against the mock DigiLocker's OAuth 2.0 + PKCE routes, then report partner
  init    write a config for your issuer (asks on a terminal, or all from flags), trying the baseline and detecting its HMAC encoding
  bundle  bundle REPORT_DIR: an evidence bundle (.tar.gz) of a run's reports, config and manifest, optionally signed
  verify  verify BUNDLE: recompute every hash of an evidence bundle and check its signature
  keygen  keygen --out FILE: an Ed25519 key pair to sign evidence bundles with
  requester  --upload-url URL: judge a Requester's upload service (serve --requester: the reference one)
  widget  widget URL|FILE --app-key-env VAR: a partner page's Save to Locker or Requester widget, checked in Chromium
          (serve --partner: the reference partner pages)
  replay  replay FILE… --config FILE: captured DigiLocker requests (XML bodies, JSONL log exports) re-signed and replayed

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
      --report-dir DIR   where result.json, junit.xml, summary.md, report.html, transcript.jsonl go
                         (default: reports/<run-id>)
      --seed N           seed for txn values and the DigiLockerId (default: time-based; printed)
      --policy P         conformance | strict: conformance (default) blocks on MUST and SECURITY
                         failures and warns on SHOULD ones; strict blocks on warnings too
                         (overrides "policy" of the config)
      --list             list the selected checks and exit without sending anything
      --format github    also print GitHub Actions annotations (::error / ::warning) for the
                         findings and append the summary to $GITHUB_STEP_SUMMARY
      --baseline FILE    compare with a previous run's result.json (or its report directory):
                         new failures, fixed, still failing, new and removed checks
      --fail-on W        any (default) | new: with new, only failures the baseline did not have
                         set exit 1 (needs --baseline); aborts and refused baselines still do
${bundleOptionsHelp()}
  -q, --quiet            no progress lines, only the summary
  -h, --help             this help

Waivers: the config's "waivers" names a waivers.yaml whose failures are reported as waived
(not blocking) until their expiry date; see the README, "Waivers and baselines".
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
      --requester        start the reference Requester upload service instead (dlconform serve --requester --help)
      --partner          start the reference partner site (Save to Locker and Requester pages) instead
                         (dlconform serve --partner --help)
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
      --profile P        1.0 | 3.0 | 1.13 (default 3.0); apisetu: the issuer in API Setu's publisher
                         form (POST /v3/<doctype>/certificate, JSON) and the apisetu.* checks only
                         (its faults are apisetu-*, listed by dlconform serve --list-faults)
      --fault NAME       switch on a fault in the issuer; repeatable (to see checks fail)
      --push-account     the issuer pushes its documents (and the pending one) with Push URI to
                         Account, as a partner into a test account, and the pushuriacct.* checks
                         run against the mock's /public/account/1/pushuri (faults push-acct-*)
      --partner          not the suite: the reference partner client (OAuth 2.0 + PKCE, file
                         upload) against the mock DigiLocker, then report partner (demo --partner --help)
      --only/--skip      as for run
      --report-dir DIR   as for run
      --seed N           as for run
      --policy P         as for run
      --format github    as for run
  -q, --quiet            no progress lines, only the summary
  -h, --help             this help
`;

export const BUNDLE_HELP = `Usage: dlconform bundle REPORT_DIR [--out FILE.tar.gz] [--config FILE] [--sign-key FILE]

Makes an evidence bundle of a run that is already written: every file of REPORT_DIR (result.json,
junit.xml, summary.md, report.html, transcript.jsonl, fuzz.json, timing.json, load.json, …) byte
for byte under report/, the config with secrets removed (config.json: owners' values and any
secret-looking field replaced, the API key's value redacted wherever it appears), the waivers
file the config names, and manifest.json: every file's SHA-256 and size, the tool version and
commit, the Node version, the run's profile, policy, seed and exit code, and the SHA-256 of the
check catalogue.

Options:
  -o, --out FILE         the bundle to write (default: REPORT_DIR.tar.gz beside the directory)
  -c, --config FILE      the config the run used (its API key variable need not be set)
      --sign-key FILE    sign manifest.json with this Ed25519 private key (PEM); the bundle then
                         holds manifest.sig and manifest.pub.pem
  -h, --help             this help

Check a bundle with: dlconform verify FILE.tar.gz [--public-key FILE]
`;

export const VERIFY_HELP = `Usage: dlconform verify BUNDLE [--public-key FILE]

Reads an evidence bundle (without extracting it: entries are read in memory) and checks that
every file listed in manifest.json is there with the listed SHA-256 and size, that no file is
there that the manifest does not list, and that the manifest's Ed25519 signature holds. It prints
one line per difference (missing, extra, changed, unsafe entry, signature) and exits
${EXIT.ok} only when everything verifies.

Without --public-key a signature is checked against the key inside the bundle: that proves the
files were not changed after signing, not who signed them. With --public-key (the signer's
published key) a bundle signed with any other key fails.

Options:
      --public-key FILE  the Ed25519 public key (PEM) the bundle must be signed with
  -h, --help             this help

Exit codes: ${EXIT.ok} verified; ${EXIT.conformanceFailure} the bundle does not verify; ${EXIT.usage} usage error (no such file, not a key).
`;

export const KEYGEN_HELP = `Usage: dlconform keygen --out FILE

Writes a new Ed25519 key pair for signing evidence bundles: the private key to FILE (PEM,
PKCS#8, mode 0600) and the public key beside it (signing.pem → signing.pub.pem). It never
overwrites a file. A key from \`openssl genpkey -algorithm ed25519 -out signing.pem\` works as well.

Options:
  -o, --out FILE         the private key file to write
  -h, --help             this help
`;

export const REPLAY_HELP = `Usage: dlconform replay FILE... --config FILE [options]

Replays captured requests (the exact bodies DigiLocker sent the issuer, from its logs) against
the target in the config, re-signed: ts now in each request's own form, a fresh txn of its shape,
orgId, keyhash and HMAC renewed, every other byte kept. FILE is one XML request body, or a JSONL
export of a log (one {"body": "<PullURIRequest ...>"} a line); * and ? match within a file name.
Captured bodies hold personal data: every value they hold is redacted from the reports; keep the
files out of the repository. The config's "replay" runs the same checks inside dlconform run.

Options:
  -c, --config FILE      config file (JSON; schema: core/config/config.schema.json)
      --expect E         served (default, or the config's replay.expect): each request, with the
                         first configured document's search, URI, DigiLockerId and identity put
                         in, must be served; refused: each, with its own values, must not be
      --only SELECTOR    run only matching checks (<api>.replay.<file>[.line-N]); repeatable
      --skip SELECTOR    leave out matching checks; repeatable
      --list             print the checks the files make (one per request) and exit; sends nothing
      --report-dir DIR   where result.json, junit.xml, summary.md, report.html, transcript.jsonl go
      --seed N           seed for txn values and the DigiLockerId
      --policy P         conformance | strict
      --format github    also print GitHub Actions annotations
      --baseline FILE    compare with a previous replay's result.json, as dlconform run does
      --fail-on W        any (default) | new: only failures the baseline did not have set exit 1
  -q, --quiet            no progress lines, only the summary
  -h, --help             this help

The config's waivers apply as in dlconform run.
Exit codes as dlconform run: no FILE, or a FILE matching nothing, is a usage error (${EXIT.usage}).
`;
