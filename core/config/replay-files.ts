/**
 * Captured requests for replay (config `replay.files`, `dlconform replay FILE…`): patterns
 * expanded to files, each file read as one XML request body or as a JSONL export of a log (one
 * JSON object a line, the body in "body"). Problems name the field or the file and line. The
 * bodies are personal data: no message here quotes one.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve as resolvePath } from 'node:path';
import { readRequest, type PullApi } from '../../protocol/requests.js';
import type { Config, ConfigIssue } from './types.js';

/**
 * At most this many captured requests in one run: every replayed request is a request sent, and
 * its keyhash and HMAC join the redactor's secrets, which every recorded answer is matched
 * against, so a run's cost still grows with the square of the count (measured against the
 * reference issuer: 300 requests 2.4 s, 1,000 requests 12 s; npm run bench:redact).
 */
const MAX_CAPTURED_REQUESTS = 1000;
/** A captured file larger than this is refused (a request body is a few kilobytes; a log export a few megabytes). */
const MAX_CAPTURED_FILE_BYTES = 32 * 1024 * 1024;

export interface CapturedRequest {
  /** the file, and the line for a JSONL record */
  file: string;
  line?: number;
  body: string;
  api: PullApi;
}

const WILDCARD = /[*?]/;

/** A file-name pattern (* and ? within one name) as a regular expression. */
function namePattern(name: string): RegExp {
  return new RegExp(
    `^${name
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '[^/]*')
      .replace(/\?/g, '[^/]')}$`,
  );
}

/** The files a pattern names, sorted; wildcards only in the last segment (a folder is named as is). */
function expand(pattern: string, baseDir: string): string[] | string {
  const full = resolvePath(baseDir, pattern);
  if (WILDCARD.test(dirname(full))) return 'has a wildcard in a folder name; wildcards match within a file name only, such as "captured/*.xml"';
  if (!WILDCARD.test(basename(full))) return [full];
  let names: string[];
  try {
    names = readdirSync(dirname(full));
  } catch {
    return `names the folder ${JSON.stringify(dirname(pattern))}, which cannot be read`;
  }
  const re = namePattern(basename(full));
  return names
    .filter((n) => re.test(n))
    .sort()
    .map((n) => join(dirname(full), n));
}

/** Reads one captured file: an XML body, or JSONL records with "body". Throws an Error naming the file (and line). */
export function readCaptured(file: string): CapturedRequest[] {
  const size = statSync(file).size;
  if (size > MAX_CAPTURED_FILE_BYTES) throw new Error(`${file} is ${size} bytes, over the ${MAX_CAPTURED_FILE_BYTES}-byte limit; split it`);
  const text = readFileSync(file, 'utf8');
  const kindOf = (body: string, where: string): PullApi => {
    const kind = readRequest(body).request?.kind;
    if (!kind) throw new Error(`${where} is not a readable PullURIRequest or PullDocRequest`);
    return kind;
  };
  if (!/\.jsonl$/i.test(file)) return [{ file, body: text, api: kindOf(text, file) }];
  const out: CapturedRequest[] = [];
  text.split('\n').forEach((raw, i) => {
    if (raw.trim() === '') return;
    const where = `${file}:${i + 1}`;
    let record: unknown;
    try {
      record = JSON.parse(raw);
    } catch {
      throw new Error(`${where} is not a JSON object (a JSONL export has one {"body": "<PullURIRequest…>"} a line)`);
    }
    const body = (record as { body?: unknown } | null)?.body;
    if (typeof body !== 'string') throw new Error(`${where} has no "body" string (the request body as logged)`);
    out.push({ file, line: i + 1, body, api: kindOf(body, where) });
  });
  if (out.length === 0) throw new Error(`${file} holds no JSONL record`);
  return out;
}

/** Expands the patterns of `field` relative to `baseDir`; each must match a readable captured file the config can send. */
export function resolveReplayFiles(patterns: readonly string[], baseDir: string, field: string, config: Pick<Config, 'target'>): { files: string[]; issues: ConfigIssue[] } {
  const files: string[] = [];
  const issues: ConfigIssue[] = [];
  let count = 0;
  patterns.forEach((pattern, i) => {
    const at = `${field}[${i}]`;
    const matched = expand(pattern, baseDir);
    if (typeof matched === 'string') {
      issues.push({ field: at, message: `${JSON.stringify(pattern)} ${matched}` });
      return;
    }
    if (matched.length === 0) {
      issues.push({ field: at, message: `${JSON.stringify(pattern)} matches no file; give a captured request file (XML body or JSONL export), or remove it` });
      return;
    }
    for (const file of matched) {
      let captured: CapturedRequest[];
      try {
        captured = readCaptured(file);
      } catch (err) {
        const message = (err as NodeJS.ErrnoException).code === 'ENOENT' ? `${JSON.stringify(pattern)}: no such file` : (err as Error).message;
        issues.push({ field: at, message });
        continue;
      }
      if (captured.some((c) => c.api === 'pulldoc') && config.target.pullDoc === undefined) {
        issues.push({ field: at, message: `${file} holds a PullDocRequest, but target.pullDoc is not configured; add target.pullDoc or leave the file out` });
      }
      count += captured.length;
      if (!files.includes(file)) files.push(file);
    }
  });
  if (count > MAX_CAPTURED_REQUESTS) issues.push({ field, message: `name ${count} captured requests; at most ${MAX_CAPTURED_REQUESTS} are replayed in one run: choose fewer files` });
  return { files, issues };
}
