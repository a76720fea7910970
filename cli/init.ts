/**
 * `dlconform init`: writes a config `run` accepts, asking on a terminal for what the flags did not
 * give. As it goes it sends the baseline (the Pull URI search for the known document) to the
 * target and reads the answer through the same triage every tool uses (conformance/diagnosis.ts):
 * an `hmac-encoding` diagnosis means the target accepts the other encoding, which is written.
 * The file names the API key's variable, never the key, and is never overwritten without --force.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { createInterface, type Interface } from 'node:readline/promises';
import { ConfigError, parseConfig, type Config } from '../core/config/index.js';
import { TargetClient } from '../core/client.js';
import { Evidence } from '../core/evidence.js';
import { Redactor } from '../core/redact.js';
import { diagnosisText } from '../core/report/console.js';
import { EXIT, type Diagnosis } from '../core/types.js';
import { diagnoseBaselines, otherEncoding, RunContext } from '../conformance/index.js';
import type { HmacEncoding } from '../protocol/auth.js';
import { isDdMmYyyy } from '../protocol/dates.js';
import { PROFILES, profileById, type ProfileId } from '../protocol/profiles.js';
import { seededRandom } from '../protocol/time.js';
import { list, parse, UsageError } from './args.js';

/** What editors use to check the file; the README's config example names the same. */
const SCHEMA_REF = './node_modules/dlconform/core/config/config.schema.json';
const DEFAULT_OUT = 'dlconform.json';
const DEFAULT_KEY_ENV = 'DLCONFORM_API_KEY';
/** A wrong answer is asked again, a few times; then init stops rather than loop on a script's input. */
const MAX_ATTEMPTS = 5;
/** The probe is one to four requests: it has a minute. */
const PROBE_BUDGET_MS = 60_000;

export const INIT_HELP = `Usage: dlconform init [options]

Writes a dlconform config for your issuer. On a terminal it asks for each value the options did
not give; without a terminal every required value must come as an option. As it goes it sends
the baseline request (Pull URI, signed, for the known document) to your endpoint, detects the
HMAC encoding it accepts and the document's URI, and tells you what the target answered.

Options:
      --profile P         1.0 | 3.0 | 1.13 (default 3.0)
      --pull-uri URL      your Pull URI endpoint
      --pull-doc URL      your Pull Doc endpoint (not in profile 1.13)
      --org-id ID         the orgId DigiLocker sends
      --api-key-env NAME  environment variable holding the API key (default ${DEFAULT_KEY_ENV});
                          the key itself is never written to the file
      --doc-type TYPE     the DocType of one document that exists (e.g. SSCER)
      --search NAME=VALUE a search element of that document as configured on the partner portal;
                          repeatable (e.g. --search rollno=13333 --search year=2016)
      --uri URI           its document URI (default: the URI the baseline answer carries)
      --owner-name NAME   the owner's full name, as on the certificate
      --owner-dob DATE    the owner's date of birth, DD-MM-YYYY
      --owner-aadhaar N   the owner's Aadhaar number (12 digits; needed for --opt-in uid)
      --opt-in LIST       Aadhaar fields opted into on the portal: uid, fullname, dob, photo
                          (comma-separated; default none, on a terminal fullname,dob)
      --absent NAME=VALUE a search that matches no document; repeatable (default: the known
                          search with its digits made 9s and its letters Zs)
      --hmac ENC          hex-base64 | raw-base64 | none: the encoding to try first (default: the
                          profile's); the one the target accepts is written
      --out FILE          where to write (default ${DEFAULT_OUT}); an existing file is kept
      --force             overwrite FILE
  -y, --yes               no confirmation: write even when the baseline was not served
  -h, --help              this help

Exit codes: ${EXIT.ok} written, and the baseline was served; ${EXIT.conformanceFailure} the baseline was refused or not tried (written
only with --yes or your confirmation); ${EXIT.usage} usage error, or nothing written; ${EXIT.unreachable} the target did not answer.
`;

const OPT_IN_NAMES = { uid: 'uid', fullname: 'fullName', dob: 'dob', photo: 'photo' } as const;
type OptInName = keyof typeof OPT_IN_NAMES;

interface Answers {
  profile: ProfileId;
  pullUri: string;
  pullDoc?: string;
  orgId: string;
  apiKeyEnv: string;
  docType: string;
  search: Record<string, string>;
  uri?: string;
  owner: { fullName?: string; dob?: string; aadhaar?: string };
  optIn: OptInName[];
  absent?: Record<string, string>;
  hmac: HmacEncoding;
}

// ---------------------------------------------------------------------------------------------
// validators: each returns the problem in words, or undefined; the same for a flag and an answer

function urlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'is not a URL; write it as http(s)://host/path';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must be an http or https URL';
  if (url.username || url.password) return 'must not carry a user name or password (they would end up in reports)';
  return undefined;
}

const notEmpty = (value: string) => (value.trim() === '' ? 'must not be empty' : undefined);
const envNameProblem = (value: string) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(value) ? undefined : 'must be an environment variable name such as DLCONFORM_API_KEY, not the key');
const dobProblem = (value: string) => (isDdMmYyyy(value) ? undefined : 'must be a date of birth written DD-MM-YYYY, such as 31-12-1990');
const aadhaarProblem = (value: string) => (/^\d{12}$/.test(value) ? undefined : 'must be 12 digits');
const profileProblem = (value: string) => (profileById(value) ? undefined : 'must be 1.0, 3.0 or 1.13');
const hmacProblem = (value: string) => (['hex-base64', 'raw-base64', 'none'].includes(value) ? undefined : 'must be hex-base64, raw-base64 or none');

function optInProblem(value: string): string | undefined {
  const bad = list(value).filter((v) => !(v.toLowerCase() in OPT_IN_NAMES));
  return bad.length > 0 ? `knows uid, fullname, dob and photo, not ${bad.map((b) => JSON.stringify(b)).join(', ')}` : undefined;
}

/** `NAME=VALUE` pairs, in the order given. */
function searchPairs(values: string[], flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of values) {
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq).trim();
    if (eq <= 0 || name === '' || pair.slice(eq + 1) === '') throw new UsageError(`${flag} takes NAME=VALUE (a search element name and its value, e.g. rollno=13333), got ${JSON.stringify(pair)}`);
    out[name] = pair.slice(eq + 1);
  }
  return out;
}

/** The known search made into one no issuer answers: digits become 9s and letters Zs (8s and Ys where it already was). */
export function absentSearch(search: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(search)) {
    const changed = value.replace(/\d/g, '9').replace(/[A-Za-z]/g, 'Z');
    out[name] = changed === value ? value.replace(/\d/g, '8').replace(/[A-Za-z]/g, 'Y') : changed;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// asking: a terminal gets prompts; without one a missing value is a usage error naming its flag

interface Asker {
  ask(question: string, opts: { flag: string; fallback?: string; check?: (v: string) => string | undefined; optional?: boolean }): Promise<string | undefined>;
  confirm(question: string): Promise<boolean>;
  close(): void;
}

function terminalAsker(input: NodeJS.ReadableStream, output: NodeJS.WritableStream): Asker {
  const rl: Interface = createInterface({ input, output, terminal: true });
  // input that ends (Ctrl-D, a closed pipe) ends init instead of leaving a question pending
  const closed = new Promise<never>((_, reject) => rl.once('close', () => reject(new UsageError('init: the input ended before every question was answered; nothing was written'))));
  closed.catch(() => {});
  const question = (text: string) => Promise.race([rl.question(text), closed]);
  return {
    async ask(q, { fallback, check, optional }) {
      for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
        const shown = fallback !== undefined ? ` [${fallback}]${optional ? ' (- for none)' : ''}` : optional ? ' (empty: none)' : '';
        const typed = (await question(`${q}${shown}: `)).trim();
        if (optional && typed === '-') return undefined;
        const answer = typed || fallback || '';
        if (answer === '' && optional) return undefined;
        const problem = answer === '' ? 'needs an answer' : check?.(answer);
        if (!problem) return answer;
        output.write(`  ${q} ${problem}\n`);
      }
      throw new UsageError(`init: ${q}: no valid answer after ${MAX_ATTEMPTS} tries; nothing was written`);
    },
    async confirm(q) {
      const answer = (await question(`${q} [y/N]: `)).trim().toLowerCase();
      return answer === 'y' || answer === 'yes';
    },
    close: () => rl.close(),
  };
}

const scriptAsker: Asker = {
  async ask(_q, { flag, fallback, optional }) {
    if (fallback !== undefined || optional) return fallback;
    throw new UsageError(`init needs ${flag} (no terminal to ask on; see dlconform init --help)`);
  },
  async confirm() {
    return false;
  },
  close() {},
};

/** A flag's value, checked; or the answer to the question when the flag was not given. */
async function value(
  asker: Asker,
  given: string | undefined,
  q: string,
  opts: { flag: string; fallback?: string; check?: (v: string) => string | undefined; optional?: boolean },
): Promise<string | undefined> {
  if (given !== undefined) {
    const problem = opts.check?.(given) ?? notEmpty(given);
    if (problem) throw new UsageError(`${opts.flag} ${problem}, got ${JSON.stringify(given)}`);
    return given;
  }
  return asker.ask(q, opts);
}

async function searchAnswers(asker: Asker, given: string[], interactive: boolean, output: NodeJS.WritableStream): Promise<Record<string, string>> {
  if (given.length > 0) return searchPairs(given, '--search');
  if (!interactive) throw new UsageError('init needs --search NAME=VALUE (repeatable: the search elements of the known document as configured on the partner portal)');
  output.write('The search elements of that document, as configured on the partner portal, one NAME=VALUE per line (e.g. rollno=13333); an empty line ends the list.\n');
  const search: Record<string, string> = {};
  for (let i = 0; i < 20; i++) {
    const answer = await asker.ask('  search element', {
      flag: '--search',
      optional: Object.keys(search).length > 0,
      check: (v) => {
        try {
          searchPairs([v], 'a search element');
          return undefined;
        } catch (err) {
          return (err as Error).message;
        }
      },
    });
    if (answer === undefined) break;
    Object.assign(search, searchPairs([answer], '--search'));
  }
  return search;
}

// ---------------------------------------------------------------------------------------------
// the config, and the baseline tried against it

function configJson(a: Answers): Record<string, unknown> {
  const owner = Object.fromEntries(Object.entries(a.owner).filter(([, v]) => v !== undefined));
  const optIn = Object.fromEntries(a.optIn.map((name) => [OPT_IN_NAMES[name], true]));
  return {
    $schema: SCHEMA_REF,
    profile: a.profile,
    target: { pullUri: a.pullUri, ...(a.pullDoc !== undefined && { pullDoc: a.pullDoc }) },
    orgId: a.orgId,
    apiKeyEnv: a.apiKeyEnv,
    hmac: a.hmac,
    ...(a.optIn.length > 0 && { optIn }),
    documents: [{ docType: a.docType, search: a.search, ...(a.uri !== undefined && { uri: a.uri }), ...(Object.keys(owner).length > 0 && { owner }) }],
    absent: { docType: a.docType, search: a.absent ?? absentSearch(a.search) },
  };
}

/** A config problem said with the flag that sets the field, so the user knows what to change. */
const FIELD_FLAGS: Array<[RegExp, string]> = [
  [/^target\.pullUri/, '--pull-uri'],
  [/^target\.pullDoc/, '--pull-doc'],
  [/^orgId/, '--org-id'],
  [/^apiKeyEnv/, '--api-key-env'],
  [/^documents\[0\]\.docType/, '--doc-type'],
  [/^documents\[0\]\.search/, '--search'],
  [/^documents\[0\]\.uri/, '--uri'],
  [/^documents\[0\]\.owner\.fullName/, '--owner-name'],
  [/^documents\[0\]\.owner\.dob/, '--owner-dob'],
  [/^documents\[0\]\.owner\.aadhaar/, '--owner-aadhaar'],
  [/^absent/, '--absent'],
  [/^optIn/, '--opt-in'],
];

function validated(json: Record<string, unknown>, env: NodeJS.ProcessEnv): Config {
  try {
    return parseConfig(json, env, 'init').config;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    const lines = err.issues.map((i) => {
      const flag = FIELD_FLAGS.find(([re]) => re.test(i.field))?.[1];
      return `${i.field}${flag ? ` (${flag})` : ''}: ${i.message}`;
    });
    throw new UsageError(`init: the config would not be valid:\n  ${lines.join('\n  ')}`);
  }
}

type Probe = { kind: 'served'; uri?: string } | { kind: 'refused'; diagnosis: Diagnosis } | { kind: 'unreachable'; message: string };

/** The baseline of `api` against the target, and the triage of a refusal. */
async function probe(config: Config, apiKey: string, api: 'pulluri' | 'pulldoc'): Promise<Probe> {
  const client = new TargetClient({ timeoutMs: config.client.timeoutMs, concurrency: 1, maxResponseBytes: config.client.maxResponseBytes, deadline: Date.now() + PROBE_BUDGET_MS });
  const redactor = new Redactor({ apiKey, config });
  const ctx = new RunContext(config, PROFILES[config.profile], apiKey, client, seededRandom(Date.now() % 2 ** 31), (v, label) => redactor.addSecret(v, label));
  try {
    const base = await ctx.baseline(api);
    const error = base.raw.error;
    if (error && error.kind !== 'other') return { kind: 'unreachable', message: redactor.redact(`${base.raw.request.url}: ${error.message}`) };
    const diagnosis = await diagnoseBaselines(ctx, [api], new Evidence(redactor, config, apiKey));
    return diagnosis ? { kind: 'refused', diagnosis } : { kind: 'served', uri: base.parsed?.uri };
  } finally {
    await client.close();
    await ctx.close();
  }
}

// ---------------------------------------------------------------------------------------------

export interface InitIO {
  input: NodeJS.ReadableStream & { isTTY?: boolean };
  output: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
}

export async function initCommand(argv: string[], io: InitIO = { input: process.stdin, output: process.stdout, env: process.env }): Promise<number> {
  const { values } = parse(
    argv,
    {
      profile: { type: 'string' },
      'pull-uri': { type: 'string' },
      'pull-doc': { type: 'string' },
      'org-id': { type: 'string' },
      'api-key-env': { type: 'string' },
      'doc-type': { type: 'string' },
      search: { type: 'string', multiple: true },
      uri: { type: 'string' },
      'owner-name': { type: 'string' },
      'owner-dob': { type: 'string' },
      'owner-aadhaar': { type: 'string' },
      'opt-in': { type: 'string' },
      absent: { type: 'string', multiple: true },
      hmac: { type: 'string' },
      out: { type: 'string' },
      force: { type: 'boolean' },
      yes: { type: 'boolean', short: 'y' },
      help: { type: 'boolean', short: 'h' },
    },
    'init',
  );
  const { output: out, env } = io;
  if (values.help) {
    out.write(INIT_HELP);
    return EXIT.ok;
  }
  const outPath = values.out ?? DEFAULT_OUT;
  const refuseExisting = () => {
    if (!values.force && existsSync(outPath)) throw new UsageError(`init: ${outPath} exists; pass --force to overwrite it, or --out ANOTHER.json`);
  };
  refuseExisting();
  const interactive = io.input.isTTY === true;
  const asker = interactive ? terminalAsker(io.input, out) : scriptAsker;
  try {
    if (interactive) out.write(`dlconform init: a config for your issuer, written to ${outPath}. Enter keeps the value in [brackets].\n`);
    const profile = (await value(asker, values.profile, 'Spec profile (1.0, 3.0 or 1.13)', { flag: '--profile', fallback: '3.0', check: profileProblem })) as ProfileId;
    const pullUri = (await value(asker, values['pull-uri'], 'Pull URI endpoint URL', { flag: '--pull-uri', check: urlProblem }))!;
    let pullDoc: string | undefined;
    if (profile === '1.13') {
      if (values['pull-doc'] !== undefined) throw new UsageError('--pull-doc: profile 1.13 has no Pull Doc (the spec removed it); leave it out');
    } else {
      // the usual pair of paths: …/pulluri and …/pulldoc
      const guess = /pulluri/i.test(pullUri) ? pullUri.replace(/(pull)(uri)/i, (_, pull: string, uri: string) => `${pull}${uri === 'uri' ? 'doc' : 'Doc'}`) : undefined;
      pullDoc = await value(asker, values['pull-doc'], 'Pull Doc endpoint URL', { flag: '--pull-doc', check: urlProblem, optional: true, fallback: interactive ? guess : undefined });
    }
    const orgId = (await value(asker, values['org-id'], 'orgId (as DigiLocker sends it)', { flag: '--org-id', check: notEmpty }))!;
    const apiKeyEnv = (await value(asker, values['api-key-env'], 'Environment variable that holds the API key', { flag: '--api-key-env', fallback: DEFAULT_KEY_ENV, check: envNameProblem }))!;
    const docType = (await value(asker, values['doc-type'], 'DocType of a document that exists (e.g. SSCER)', {
      flag: '--doc-type',
      check: (v) => (/^\S+$/.test(v) ? undefined : 'must be one word'),
    }))!;
    const search = await searchAnswers(asker, values.search ?? [], interactive, out);
    const optInText = await value(asker, values['opt-in'], 'Aadhaar fields opted into on the portal (uid, fullname, dob, photo; comma-separated)', {
      flag: '--opt-in',
      fallback: interactive ? 'fullname,dob' : '',
      check: optInProblem,
    });
    const optIn = [...new Set(list(optInText).map((v) => v.toLowerCase() as OptInName))];
    const needs = (name: OptInName) => optIn.includes(name);
    const fullName = await value(asker, values['owner-name'], "The owner's full name, as on the certificate", { flag: '--owner-name', optional: !needs('fullname'), check: notEmpty });
    const dob = await value(asker, values['owner-dob'], "The owner's date of birth (DD-MM-YYYY)", { flag: '--owner-dob', optional: !needs('dob'), check: dobProblem });
    const aadhaar =
      needs('uid') || values['owner-aadhaar'] !== undefined ? await value(asker, values['owner-aadhaar'], "The owner's Aadhaar number", { flag: '--owner-aadhaar', check: aadhaarProblem }) : undefined;
    const hmacGiven = values.hmac !== undefined ? await value(asker, values.hmac, '', { flag: '--hmac', check: hmacProblem }) : undefined;
    const answers: Answers = {
      profile,
      pullUri,
      pullDoc,
      orgId,
      apiKeyEnv,
      docType,
      search,
      uri: values.uri,
      owner: { fullName, dob, aadhaar },
      optIn,
      absent: values.absent ? searchPairs(values.absent, '--absent') : undefined,
      hmac: (hmacGiven as HmacEncoding | undefined) ?? PROFILES[profile].defaultHmac,
    };

    // the file as it would be, checked as `run` will check it (the key stands in until the probe)
    validated(configJson(answers), { ...env, [apiKeyEnv]: env[apiKeyEnv] || 'key-not-set' });
    const outcome = await tryBaseline(answers, env, out);
    const json = configJson(answers);
    validated(json, { ...env, [apiKeyEnv]: env[apiKeyEnv] || 'key-not-set' });

    if (outcome !== EXIT.ok && !values.yes) {
      const write = interactive && (await asker.confirm(`The baseline was not served. Write ${outPath} anyway?`));
      if (!write) {
        out.write(`Nothing written${interactive ? '' : ' (pass --yes to write the config anyway)'}.\n`);
        return outcome === EXIT.unreachable ? EXIT.unreachable : EXIT.usage;
      }
    }
    refuseExisting();
    try {
      // owner data is personal: the file is the user's alone; 'wx' keeps a file that appeared meanwhile
      writeFileSync(outPath, `${JSON.stringify(json, null, 2)}\n`, { flag: values.force ? 'w' : 'wx', mode: 0o600 });
    } catch (err) {
      throw new UsageError(`init: could not write ${outPath}: ${(err as Error).message}`);
    }
    out.write(`Wrote ${outPath} ("hmac": "${answers.hmac}"; the API key stays in $${apiKeyEnv}).\nNext: dlconform run --config ${outPath}\n`);
    return outcome;
  } finally {
    asker.close();
  }
}

/**
 * Sends the baseline and updates the answers with what it learnt: the HMAC encoding the target
 * accepts and the document's URI. Returns the exit code the outcome means.
 */
async function tryBaseline(answers: Answers, env: NodeJS.ProcessEnv, out: NodeJS.WritableStream): Promise<number> {
  const apiKey = env[answers.apiKeyEnv];
  if (!apiKey) {
    out.write(
      `$${answers.apiKeyEnv} is not set, so the baseline was not tried and the HMAC encoding not detected.\nFix: export ${answers.apiKeyEnv}=<the API key from the partner portal> and run init again.\n`,
    );
    return EXIT.conformanceFailure;
  }
  out.write(`Trying the baseline: a signed Pull URI request for ${answers.docType} ${Object.keys(answers.search).join(', ')} at ${answers.pullUri} …\n`);
  const config = () => validated(configJson(answers), env);
  let result = await probe(config(), apiKey, 'pulluri');
  if (result.kind === 'refused' && result.diagnosis.cause === 'hmac-encoding') {
    const other = otherEncoding(config(), PROFILES[answers.profile])!;
    out.write(`  refused with "hmac": "${answers.hmac}", served with "hmac": "${other}": the target accepts ${other}.\n`);
    answers.hmac = other;
    result = await probe(config(), apiKey, 'pulluri');
  }
  if (result.kind === 'unreachable') {
    out.write(`  the target did not answer: ${result.message}\n`);
    return EXIT.unreachable;
  }
  if (result.kind === 'refused') {
    out.write(`${diagnosisText(result.diagnosis, { color: false })}\n`);
    return EXIT.conformanceFailure;
  }
  out.write(`  served (Status 1) with "hmac": "${answers.hmac}"${result.uri ? `; the document's URI is ${result.uri}` : ''}.\n`);
  if (answers.uri === undefined && result.uri) answers.uri = result.uri;
  if (answers.pullDoc === undefined) return EXIT.ok;
  if (answers.uri === undefined) {
    out.write('  Pull Doc not tried: no document URI (the answer carried none; give it with --uri).\n');
    return EXIT.ok;
  }
  const doc = await probe(config(), apiKey, 'pulldoc');
  if (doc.kind === 'served') {
    out.write(`  Pull Doc served ${answers.uri}.\n`);
    return EXIT.ok;
  }
  out.write(doc.kind === 'unreachable' ? `  Pull Doc did not answer: ${doc.message}\n` : `${diagnosisText(doc.diagnosis, { color: false })}\n`);
  return doc.kind === 'unreachable' ? EXIT.unreachable : EXIT.conformanceFailure;
}
