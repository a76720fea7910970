/**
 * junit.xml for CI test reporters: one <testsuite> per API, one <testcase> per check.
 * fail → <failure>, error → <error>, skip → <skipped>; a warning is not a failure, so it only
 * shows in <system-out> with a WARN prefix. The XML is laid out by fast-xml-parser's XMLBuilder;
 * markup is escaped by protocol/xml.ts escapeXml, as everywhere else, and the characters XML 1.0
 * cannot carry at all, which issuer responses quoted in messages may contain, are stripped.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { XMLBuilder } from 'fast-xml-parser';
import { escapeXml } from '../../protocol/xml.js';
import type { Api, CheckResult, RunResult } from '../types.js';

export const JUNIT_XML = 'junit.xml';

const API_ORDER: readonly Api[] = ['pulluri', 'pulldoc', 'pushcsv', 'pushuri', 'consistency'];
const API_TITLE: Record<string, string> = { pulluri: 'Pull URI', pulldoc: 'Pull Doc', pushcsv: 'Push CSV', pushuri: 'Push URI', consistency: 'Pushed URIs pullable' };

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
export function details(c: CheckResult): string {
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

function testcase(c: CheckResult): Record<string, unknown> {
  const node: Record<string, unknown> = {
    '@_classname': attr(`${c.api}.${c.section}`),
    '@_name': attr(`${c.id}: ${c.title}`),
    '@_time': seconds(c.durationMs),
  };
  switch (c.verdict) {
    case 'fail':
      node.failure = { '@_message': attr(c.message), '@_type': c.level, '#text': details(c) };
      break;
    case 'error':
      node.error = { '@_message': attr(c.message), '@_type': c.level, '#text': details(c) };
      break;
    case 'skip':
      node.skipped = { '@_message': attr(c.message) };
      break;
    case 'warn':
      node['system-out'] = `WARN ${details(c)}`;
      break;
    case 'pass':
      break;
  }
  return node;
}

function testsuite(api: string, checks: CheckResult[], run: RunResult): Record<string, unknown> {
  const count = (v: CheckResult['verdict']) => checks.filter((c) => c.verdict === v).length;
  const properties = [
    ['profile', run.profile],
    ['target', api === 'pulldoc' ? (run.target.pullDoc ?? '') : api === 'pushcsv' ? (run.target.pushCsv ?? '') : api === 'pushuri' ? (run.target.pushUri ?? '') : api === 'consistency' ? (run.target.pullDoc ?? run.target.pullUri) : run.target.pullUri],
    ['runId', run.runId],
    ['seed', String(run.seed)],
    ['dlconform', run.tool.version],
    ...(run.aborted ? [['aborted', run.aborted.reason]] : []),
  ];
  return {
    '@_name': attr(API_TITLE[api] ? `${API_TITLE[api]} (${api})` : api),
    '@_tests': checks.length,
    '@_failures': count('fail'),
    '@_errors': count('error'),
    '@_skipped': count('skip'),
    '@_time': seconds(checks.reduce((t, c) => t + c.durationMs, 0)),
    '@_timestamp': attr(run.startedAt),
    properties: { property: properties.map(([name, value]) => ({ '@_name': name, '@_value': attr(value ?? '') })) },
    testcase: checks.map(testcase),
  };
}

export function renderJunit(run: RunResult): string {
  const apis = [...new Set(run.checks.map((c) => c.api))].sort(
    (a, b) => (API_ORDER.indexOf(a) + 1 || 99) - (API_ORDER.indexOf(b) + 1 || 99),
  );
  const suites = apis.map((api) => testsuite(api, run.checks.filter((c) => c.api === api), run));
  const elapsed = Date.parse(run.endedAt) - Date.parse(run.startedAt);
  const doc = {
    testsuites: {
      '@_name': 'dlconform',
      '@_tests': run.summary.total,
      '@_failures': run.summary.fail,
      '@_errors': run.summary.error,
      '@_skipped': run.summary.skip,
      '@_time': seconds(Number.isFinite(elapsed) ? elapsed : 0),
      testsuite: suites,
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

/** Writes DIR/junit.xml and returns its path. */
export async function writeJunit(run: RunResult, dir: string): Promise<string> {
  const path = join(dir, JUNIT_XML);
  await writeFile(path, renderJunit(run), 'utf8');
  return path;
}
