import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readRequest } from './requests.js';
import { readResponse } from './responses.js';

const example = (name: string) => readFileSync(new URL(`../fixtures/examples/${name}`, import.meta.url), 'utf8');

describe('spec examples read by protocol/', () => {
  it('Pull API v1.0 response template: status, echo, URI', () => {
    const r = readResponse('pulluri', example('pull-1.0-uri-response.xml'));
    expect(r.findings).toEqual([]);
    expect(r).toMatchObject({ rootName: 'PullURIResponse', status: '1', statusText: '1', ts: '2016-01-11T14:44:48+05:30', txn: '1452503688', uri: 'in.gov.dept.state-INCER-1234567' });
  });
  it('v1.13 request: default tempuri namespace, local names', () => {
    const { request, findings } = readRequest(example('spec-1.13-uri-request.xml'));
    expect(findings).toEqual([]);
    expect(request?.kind).toBe('pulluri');
    expect(request?.attrs.format).toBe('both');
    expect(request?.details).toMatchObject({ DocType: 'INCER', UDF1: '13333' });
  });
  it('UIDAI Pull Doc with the undocumented metadata attribute', () => {
    const { request } = readRequest(example('sample-uidai-pulldoc-request.xml'));
    expect(request?.kind).toBe('pulldoc');
    expect(request?.attrs.metadata).toBe('Y');
    expect(request?.details.URI).toBe('in.gov.uidai-ADHAR-{uid_token_hash}');
  });
  it('2018 request with configured names rollno and year', () => {
    const { request } = readRequest(example('sample-dllog-uri-request.xml'));
    expect(request?.details).toMatchObject({ rollno: '1234567890', year: '2018', DocType: 'HSCER' });
  });
  it('2018 response: self-closing ResponseStatus, ns2 as a plain attribute, empty DocContent', () => {
    const r = readResponse('pulluri', example('sample-dllog-uri-response.xml'));
    expect(r.status).toBe('1');
    expect(r.statusText).toBeUndefined();
    expect(r.docContent).toBe('');
    expect(r.docDetails?.children.map((c) => c.name)).toEqual(['class', 'rollno', 'URI', 'DocContent']);
  });
  it('pretty-printed digitallocker-namespace request: values come back trimmed', () => {
    const { request } = readRequest(example('pension-uri-request.xml'));
    expect(request?.details).toMatchObject({ DocType: 'GPFFP', AUTHN: 'TEST12054', DOB: '20-02-1970' });
  });
  it('a response with Persons: attributes as sent', () => {
    const r = readResponse('pulluri', example('epoch-ts-uri-response.xml'));
    expect(r.ts).toBe('1678875640887');
    expect(r.persons?.[0]?.attrs.dob).toBe('2023-01-01');
    expect(r.persons?.[0]?.photo?.format).toBe('jpeg');
  });
});
