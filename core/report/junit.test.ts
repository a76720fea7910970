import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { renderJunit, stripInvalidXmlChars } from './junit.js';
import { sampleCheck, sampleRun } from './sample-run.js';

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', isArray: (name) => ['testsuite', 'testcase', 'property'].includes(name) });

function parse(xml: string) {
  expect(XMLValidator.validate(xml)).toBe(true);
  return parser.parse(xml) as any;
}

describe('renderJunit', () => {
  const xml = renderJunit(sampleRun());
  const doc = parse(xml);

  it('is well-formed XML with one suite per API and one case per check', () => {
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites')).toBe(true);
    const suites = doc.testsuites.testsuite;
    expect(suites.map((s: any) => s['@_name'])).toEqual(['Pull URI (pulluri)', 'Pull Doc (pulldoc)']);
    expect(suites[0].testcase).toHaveLength(4);
    expect(suites[1].testcase).toHaveLength(1);
    const first = suites[0].testcase[0];
    expect(first['@_classname']).toBe('pulluri.8.1.4');
    expect(first['@_name']).toBe('pulluri.echo-ts: the response echoes ts');
    expect(first['@_time']).toBe('0.013');
  });

  it('counts failures and errors, but not warnings', () => {
    expect(doc.testsuites).toMatchObject({ '@_tests': '5', '@_failures': '1', '@_errors': '1', '@_skipped': '1', '@_time': '1.500' });
    expect(doc.testsuites.testsuite[0]).toMatchObject({ '@_tests': '4', '@_failures': '1', '@_errors': '0', '@_skipped': '1' });
    const warn = doc.testsuites.testsuite[0].testcase[2];
    expect(warn.failure).toBeUndefined();
    expect(warn['system-out']).toMatch(/^WARN \[SHOULD\] pulluri\.status-text/);
  });

  it('puts message, expected/actual, clause and curl into <failure>, and escapes markup', () => {
    const failure = doc.testsuites.testsuite[0].testcase[1].failure;
    expect(failure['@_type']).toBe('MUST');
    expect(failure['@_message']).toBe('txn differs | expected <1452503688> & got "x" second line');
    const text: string = failure['#text'];
    expect(text).toContain('expected: 1452503688');
    expect(text).toContain('actual:   x|y');
    expect(text).toContain('clause echo-ts (SPEC-1.13 8.1.4 #1): ts (M): A timestamp value as sent in the request.');
    expect(text).toContain(`printf '%s' "$DLCONFORM_BODY" | curl`);
    expect(text).toContain('→ HTTP 200');
    const error = doc.testsuites.testsuite[1].testcase[0].error;
    expect(error['@_message']).toBe('timeout after 10000 ms');
    expect(error['#text']).toContain('no response: timeout');
  });

  it('marks skips with their reason', () => {
    expect(doc.testsuites.testsuite[0].testcase[3].skipped['@_message']).toBe('no "pending" search in the config');
  });

  it('strips characters XML 1.0 cannot carry', () => {
    expect(xml).not.toMatch(/[\u0001\uFFFE]/);
    expect(stripInvalidXmlChars('a\u0000b\u0008c\td\ne\rf\u000Bg\uD800h\uFFFFi😀')).toBe('abc\td\ne\rfgh' + 'i😀');
  });

  it('carries run properties and handles a run with no checks', () => {
    const props = doc.testsuites.testsuite[0].properties.property;
    expect(props).toContainEqual({ '@_name': 'profile', '@_value': '3.0' });
    expect(props).toContainEqual({ '@_name': 'seed', '@_value': '42' });
    const empty = renderJunit(sampleRun({ checks: [], summary: { total: 0, pass: 0, fail: 0, warn: 0, skip: 0, error: 0, inconclusive: 0, waived: 0, blocking: 0 }, exitCode: 4 }));
    expect(parse(empty).testsuites['@_tests']).toBe('0');
  });
});

describe('an inconclusive check in junit.xml', () => {
  it('is an <error> of type inconclusive: no verdict was reached, so no <failure> claims the clause is broken', () => {
    const check = sampleCheck({ verdict: 'inconclusive', message: 'not judged: the baseline was not served; see pulluri.success.status-1' });
    const doc = parse(renderJunit(sampleRun({ checks: [check] })));
    const testcase = doc.testsuites.testsuite[0].testcase[0];
    expect(testcase.failure).toBeUndefined();
    expect(testcase.error['@_type']).toBe('inconclusive');
    expect(testcase.error['@_message']).toContain('see pulluri.success.status-1');
    expect(doc.testsuites['@_errors']).toBe('1');
  });
});
