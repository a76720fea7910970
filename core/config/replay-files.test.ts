import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readCaptured, resolveReplayFiles } from './replay-files.js';

const URI_BODY = '<PullURIRequest ver="1.0" ts="t" txn="1" orgId="o"><DocDetails><rollno>1</rollno></DocDetails></PullURIRequest>';
const DOC_BODY = '<PullDocRequest ver="1.0" ts="t" txn="1" orgId="o"><DocDetails><URI>u</URI></DocDetails></PullDocRequest>';
const withPullDoc = { target: { pullUri: 'http://127.0.0.1:1/u', pullDoc: 'http://127.0.0.1:1/d' } };
const pullUriOnly = { target: { pullUri: 'http://127.0.0.1:1/u' } };
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dlconform-replay-files-'));
  mkdirSync(join(dir, 'cap'));
  writeFileSync(join(dir, 'cap', 'b.xml'), URI_BODY);
  writeFileSync(join(dir, 'cap', 'a.xml'), URI_BODY);
  writeFileSync(join(dir, 'cap', 'doc.xml'), DOC_BODY);
  writeFileSync(join(dir, 'cap', 'not-xml.xml'), 'hello');
  writeFileSync(join(dir, 'cap', 'bad.jsonl'), `${JSON.stringify({ body: URI_BODY })}\nnot json\n`);
  writeFileSync(join(dir, 'cap', 'many.jsonl'), `${Array.from({ length: 1001 }, () => JSON.stringify({ body: URI_BODY })).join('\n')}\n`);
});

describe('captured request files', () => {
  it('expands * within a file name, sorted, relative to the folder given', () => {
    expect(resolveReplayFiles(['cap/?.xml'], dir, 'replay.files', pullUriOnly)).toEqual({ files: [join(dir, 'cap', 'a.xml'), join(dir, 'cap', 'b.xml')], issues: [] });
  });
  it('names the field for a pattern matching nothing, a wildcard folder, a missing file', () => {
    const { issues } = resolveReplayFiles(['cap/*.txt', '*/a.xml', 'cap/none.xml'], dir, 'replay.files', pullUriOnly);
    expect(issues.map((i) => `${i.field}: ${i.message}`)).toEqual([
      'replay.files[0]: "cap/*.txt" matches no file; give a captured request file (XML body or JSONL export), or remove it',
      'replay.files[1]: "*/a.xml" has a wildcard in a folder name; wildcards match within a file name only, such as "captured/*.xml"',
      'replay.files[2]: "cap/none.xml": no such file',
    ]);
  });
  it('a PullDocRequest needs target.pullDoc', () => {
    expect(resolveReplayFiles(['cap/doc.xml'], dir, 'replay.files', pullUriOnly).issues[0]?.message).toMatch(/holds a PullDocRequest, but target\.pullDoc is not configured/);
    expect(resolveReplayFiles(['cap/doc.xml'], dir, 'replay.files', withPullDoc).issues).toEqual([]);
  });
  it('a body that is no Pull request, a JSONL line that is not JSON: the file and line, never the content', () => {
    expect(() => readCaptured(join(dir, 'cap', 'not-xml.xml'))).toThrow(/not-xml\.xml is not a readable PullURIRequest or PullDocRequest/);
    expect(() => readCaptured(join(dir, 'cap', 'bad.jsonl'))).toThrow(/bad\.jsonl:2 is not a JSON object/);
    expect(readCaptured(join(dir, 'cap', 'doc.xml'))).toMatchObject([{ api: 'pulldoc', body: DOC_BODY }]);
  });
  it('at most 1000 captured requests in one run', () => {
    expect(resolveReplayFiles(['cap/many.jsonl'], dir, 'replay.files', pullUriOnly).issues).toEqual([
      { field: 'replay.files', message: 'name 1001 captured requests; at most 1000 are replayed in one run: choose fewer files' },
    ]);
  });
});
