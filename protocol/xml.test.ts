import { describe, expect, it } from 'vitest';
import { buildPullDocRequest, buildPullUriRequest, readRequest } from './requests.js';
import { buildResponse, readResponse } from './responses.js';
import { NAMESPACE_FORMS } from './profiles.js';
import { decodeEntities, readXml } from './xml.js';

describe('hardened XML reading', () => {
  it('refuses DTDs and entity declarations without expanding them', () => {
    const bomb = '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x "xxxxxxxxxx"><!ENTITY y "&x;&x;&x;&x;">]><a>&y;</a>';
    expect(readXml(bomb).findings[0]?.code).toBe('dtd');
  });
  it('an HTML page is named as one, never reported as a DTD: only an XML prolog declares a DTD', () => {
    for (const page of ['<!DOCTYPE html><html><body>403 Forbidden</body></html>', '\n<!-- proxy --><HTML><HEAD><TITLE>Access Denied</TITLE></HEAD></HTML>', '<html lang="en">rate limited</html>']) {
      const { findings } = readXml(page);
      expect(
        findings.map((f) => f.code),
        page,
      ).toEqual(['html']);
      expect(findings[0]!.message).toMatch(/an HTML page came back/);
    }
    expect(readXml('<?xml version="1.0"?><!DOCTYPE PullURIResponse [<!ENTITY e "x">]><PullURIResponse/>').findings[0]?.code).toBe('dtd');
    // an XHTML page with an XML declaration is still an HTML page
    expect(readXml('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "x.dtd"><html><body>Too Many Requests</body></html>').findings[0]?.code).toBe(
      'html',
    );
    // a DOCTYPE after the root element started is not a DTD, only text that is not well-formed
    const late = readXml('<PullURIResponse><Note><!DOCTYPE x></Note></PullURIResponse>').findings[0];
    expect(late?.code).toBe('not-well-formed');
    expect(late?.message).toMatch(/after the start of the root element/);
    // comments and processing instructions may precede a DTD in the prolog
    expect(readXml('<?xml version="1.0"?><!-- c --><?pi x?>\n<!DOCTYPE a [<!ENTITY e "x">]><a/>').findings[0]?.code).toBe('dtd');
    // an XML document whose root happens to be called html is still XML
    expect(readXml('<?xml version="1.0"?><htmlish/>').root?.name).toBe('htmlish');
  });
  it('reports non-XML, too deep and too large as findings, never throws', () => {
    expect(readXml('not xml at all').findings[0]?.code).toBe('not-well-formed');
    expect(readXml('<a><b></a>').findings[0]?.code).toBe('not-well-formed');
    expect(readXml('<a>'.repeat(500) + '</a>'.repeat(500)).root).toBeUndefined();
    expect(readXml('<a/>', { maxChars: 2, maxDepth: 10 }).findings[0]?.code).toBe('too-large');
    expect(readXml('').root).toBeUndefined();
  });
  it('decodes predefined and numeric references only', () => {
    expect(decodeEntities('&lt;&amp;&#65;&#x42;&foo;')).toBe('<&AB&foo;');
  });
  it('skips a BOM', () => {
    expect(readXml('\ufeff<a/>').root?.name).toBe('a');
  });
});

describe('requests: every namespace form reads back by local name', () => {
  const env = { ver: '3.0', ts: '2016-01-11T14:44:48+05:30', txn: '1', orgId: 'in.gov.x', keyhash: 'k', format: 'pdf' as const };
  for (const namespace of NAMESPACE_FORMS) {
    it(namespace, () => {
      const body = buildPullUriRequest({ ...env, namespace }, { docType: 'INCER', search: [['rollno', 'A&B <1>']], extraElements: [['Mobile', '9']] }, { pad: '\n  ' });
      const { request, findings } = readRequest(body);
      expect(findings).toEqual([]);
      expect(request?.attrs).toMatchObject({ ts: env.ts, format: 'pdf', keyhash: 'k' });
      expect(request?.details).toMatchObject({ DocType: 'INCER', rollno: 'A&B <1>', Mobile: '9' });
      const doc = readRequest(buildPullDocRequest({ ...env, namespace }, { uri: 'in.gov.x-INCER-1' }));
      expect(doc.request?.kind).toBe('pulldoc');
      expect(doc.request?.details.URI).toBe('in.gov.x-INCER-1');
    });
  }
  it('keyHash spelling is noticed', () => {
    const body = buildPullUriRequest({ ...env, namespace: 'none' }, { search: [] }, { keyhashAttribute: 'keyHash' });
    expect(readRequest(body).request?.keyhashAttribute).toBe('keyHash');
  });
});

describe('responses', () => {
  it('build then read: status, echo, persons, content', () => {
    const xml = buildResponse('pulluri', {
      status: '1',
      ts: 't&"1',
      txn: '9',
      statusText: '1',
      docDetails: {
        echo: [['rollno', '5']],
        issuedTo: [{ name: 'Sunil', dob: '31-12-1990', gender: 'Male', phone: '9876543210', photo: { format: 'JPG', content: 'AAAA' } }],
        uri: 'a-B-C',
        docContent: 'JVBE',
        dataContent: 'PA==',
      },
    });
    const r = readResponse('pulluri', xml);
    expect(r.findings).toEqual([]);
    expect(r).toMatchObject({ status: '1', ts: 't&"1', txn: '9', statusText: '1', uri: 'a-B-C', docContent: 'JVBE', dataContent: 'PA==' });
    expect(r.persons?.[0]?.attrs.name).toBe('Sunil');
    expect(r.persons?.[0]?.photo).toEqual({ format: 'JPG', content: 'AAAA' });
  });
  it('reports a wrong root and a missing Status, but still reads', () => {
    const r = readResponse('pulldoc', '<PullDocumentResponse><ResponseStatus ts="1"/></PullDocumentResponse>');
    expect(r.findings.map((f) => f.code)).toEqual(['wrong-root', 'no-status-attribute']);
    expect(r.ts).toBe('1');
  });
  it('notices element case errors', () => {
    const r = readResponse('pulldoc', '<PullDocResponse><ResponseStatus Status="1"/><DocDetails><docContent>x</docContent></DocDetails></PullDocResponse>');
    expect(r.findings.map((f) => f.code)).toEqual(['element-case']);
  });
});
