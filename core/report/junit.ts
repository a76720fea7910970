/**
 * junit.xml for CI test reporters, written here for every tool (load/report.ts too) so all have
 * one structure. For a check run: one <testsuite> per API, one <testcase> per check.
 * fail → <failure>, error → <error>, skip → <skipped>; inconclusive → <error type="inconclusive">, since
 * the check reached no verdict (its baseline was not served) and a <failure> would say the clause
 * is broken where it was never judged; a warning is not a failure, so it only
 * shows in <system-out> with a WARN prefix. The XML is laid out by fast-xml-parser's XMLBuilder;
 * markup is escaped by protocol/xml.ts escapeXml, as everywhere else, and the characters XML 1.0
 * cannot carry at all, which issuer responses quoted in messages may contain, are stripped.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { XMLBuilder } from 'fast-xml-parser';
import { escapeXml } from '../../protocol/xml.js';
import type { CheckResult, RunResult } from '../types.js';
import { apiRank, apiTitle } from './apis.js';

const JUNIT_XML = 'junit.xml';

/** Removes code points that are not allowed in XML 1.0 (C0 controls but tab/LF/CR, lone surrogates, U+FFFE/FFFF). */
export function stripInvalidXmlChars(text: string): string {
  return text.replace(/[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '');
}

/** Attribute values: parsers turn newlines into spaces anyway, so do it visibly. */
function attr(text: string, max = 1000): string {
  const flat = stripInvalidXmlChars(text).replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function seconds(ms: number): string {
  return (Math.max(0, ms) / 1000).toFixed(3);
}

/** The readable body of a <failure>/<error>/<system-out>: why, what was expected, the clause, how to reproduce. */
function details(c: CheckResult): string {
  const lines = [`[${c.level}] ${c.id}: ${c.title}`, c.message];
  if (c.expected !== undefined) lines.push(`expected: ${c.expected}`);
  if (c.actual !== undefined) lines.push(`actual:   ${c.actual}`);
  lines.push(`clause ${c.clause.id} (${c.clause.document} ${c.clause.section}): ${c.clause.text}`);
  c.evidence.forEach((e, i) => {
    const status = e.response ? `HTTP ${e.response.status}` : `no response${e.error ? `: ${e.error}` : ''}`;
    lines.push('', `exchange ${i + 1}: ${e.request.method} ${e.request.url} → ${status} (${Math.round(e.durationMs)} ms)`, 'reproduce:', e.curl);
  });
  return stripInvalidXmlChars(lines.join('\n'));
}

/** One <testcase>; at most one of failure, error and skipped. */
export interface JunitCase {
  classname: string;
  name: string;
  timeMs: number;
  failure?: JunitProblem;
  error?: JunitProblem;
  skipped?: { message: string };
  systemOut?: string;
}

export interface JunitProblem {
  message: string;
  type?: string;
  /** the readable body: why, and how to reproduce */
  text?: string;
}

export interface JunitSuite {
  name: string;
  /** ISO 8601 start of the run */
  timestamp: string;
  /** unset: the sum of the cases' times */
  timeMs?: number;
  properties?: ReadonlyArray<readonly [string, string]>;
  cases: JunitCase[];
}

/** The whole report: <testsuites> with its counts taken from the cases, so they always agree. */
export interface JunitReport {
  name: string;
  timeMs: number;
  suites: JunitSuite[];
}

function problem(p: JunitProblem): Record<string, unknown> {
  return {
    '@_message': attr(p.message),
    ...(p.type !== undefined && { '@_type': p.type }),
    ...(p.text !== undefined && { '#text': stripInvalidXmlChars(p.text) }),
  };
}

function testcaseNode(c: JunitCase): Record<string, unknown> {
  return {
    '@_classname': attr(c.classname),
    '@_name': attr(c.name),
    '@_time': seconds(c.timeMs),
    ...(c.failure && { failure: problem(c.failure) }),
    ...(c.error && { error: problem(c.error) }),
    ...(c.skipped && { skipped: { '@_message': attr(c.skipped.message) } }),
    ...(c.systemOut !== undefined && { 'system-out': stripInvalidXmlChars(c.systemOut) }),
  };
}

function counts(cases: readonly JunitCase[]) {
  return {
    '@_tests': cases.length,
    '@_failures': cases.filter((c) => c.failure).length,
    '@_errors': cases.filter((c) => c.error).length,
    '@_skipped': cases.filter((c) => c.skipped).length,
  };
}

function testsuiteNode(s: JunitSuite): Record<string, unknown> {
  return {
    '@_name': attr(s.name),
    ...counts(s.cases),
    '@_time': seconds(s.timeMs ?? s.cases.reduce((t, c) => t + c.timeMs, 0)),
    '@_timestamp': attr(s.timestamp),
    ...(s.properties && { properties: { property: s.properties.map(([name, value]) => ({ '@_name': name, '@_value': attr(value) })) } }),
    testcase: s.cases.map(testcaseNode),
  };
}

/** junit.xml for any report: every writer of junit.xml goes through here, so all have one structure. */
export function renderJunitReport(report: JunitReport): string {
  const doc = {
    testsuites: {
      '@_name': report.name,
      ...counts(report.suites.flatMap((s) => s.cases)),
      '@_time': seconds(Number.isFinite(report.timeMs) ? report.timeMs : 0),
      testsuite: report.suites.map(testsuiteNode),
    },
  };
  const builder = new XMLBuilder({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    format: true,
    indentBy: '  ',
    suppressEmptyNode: true,
    processEntities: false,
    tagValueProcessor: (_name: string, value: unknown) => escapeXml(String(value)),
    attributeValueProcessor: (_name: string, value: unknown) => escapeXml(String(value)),
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build(doc)}`;
}

function checkCase(c: CheckResult): JunitCase {
  const base = { classname: `${c.api}.${c.section}`, name: `${c.id}: ${c.title}`, timeMs: c.durationMs };
  switch (c.verdict) {
    case 'fail':
      return { ...base, failure: { message: c.message, type: c.level, text: details(c) } };
    case 'error':
      return { ...base, error: { message: c.message, type: c.level, text: details(c) } };
    case 'inconclusive':
      return { ...base, error: { message: c.message, type: 'inconclusive', text: details(c) } };
    case 'skip':
      return { ...base, skipped: { message: c.message } };
    case 'warn':
      return { ...base, systemOut: `WARN ${details(c)}` };
    // a waived failure does not fail the build: JUnit readers show it as skipped, with the waiver's reason
    case 'waived':
      return { ...base, skipped: { message: `waived: ${c.message}` }, systemOut: `WAIVED ${details(c)}` };
    case 'pass':
      return base;
  }
}

function checkSuite(api: string, checks: CheckResult[], run: RunResult): JunitSuite {
  const target =
    api === 'pulldoc'
      ? (run.target.pullDoc ?? '')
      : api === 'pushcsv'
        ? (run.target.pushCsv ?? '')
        : api === 'pushuri'
          ? (run.target.pushUri ?? '')
          : api === 'consistency'
            ? (run.target.pullDoc ?? run.target.pullUri)
            : api === 'requester'
              ? (run.target.requester ?? '')
              : run.target.pullUri;
  return {
    name: apiTitle(api) !== api ? `${apiTitle(api)} (${api})` : api,
    timestamp: run.startedAt,
    properties: [
      ['profile', run.profile],
      ['policy', run.policy],
      ['target', target],
      ['runId', run.runId],
      ['seed', String(run.seed)],
      ['dlconform', run.tool.version],
      ...(run.aborted ? [['aborted', run.aborted.reason] as const] : []),
      ...(run.diagnosis ? [['diagnosis', `${run.diagnosis.api}: ${run.diagnosis.summary}`] as const] : []),
    ],
    cases: checks.map(checkCase),
  };
}

/** junit.xml of a check run (run, fuzz, timing): one suite per API, one case per check. */
export function renderJunit(run: RunResult): string {
  const apis = [...new Set(run.checks.map((c) => c.api))].sort((a, b) => apiRank(a) - apiRank(b));
  return renderJunitReport({
    name: 'dlconform',
    timeMs: Date.parse(run.endedAt) - Date.parse(run.startedAt),
    suites: apis.map((api) =>
      checkSuite(
        api,
        run.checks.filter((c) => c.api === api),
        run,
      ),
    ),
  });
}

/** Writes DIR/junit.xml and returns its path. */
export async function writeJunit(run: RunResult, dir: string): Promise<string> {
  const path = join(dir, JUNIT_XML);
  await writeFile(path, renderJunit(run), 'utf8');
  return path;
}
