import { describe, expect, it } from 'vitest';
import { documentKind, isLoopbackHost, judgeUploadTransport, readUploadAnswer, readUploadBody, uploadBody, UPLOAD_FIELDS } from './requester.js';

const FIELDS = { user_ref: 'ref 1&2', doc_id: 'attachment_poi', doc_url: 'http://127.0.0.1:9/dlconform/a.pdf?x=1' };

describe('the upload request', () => {
  it("is a form of the three fields, in the document's order, each value encoded", () => {
    expect(uploadBody(FIELDS)).toBe('user_ref=ref+1%262&doc_id=attachment_poi&doc_url=http%3A%2F%2F127.0.0.1%3A9%2Fdlconform%2Fa.pdf%3Fx%3D1');
    expect(readUploadBody(uploadBody(FIELDS), 'application/x-www-form-urlencoded')).toEqual(FIELDS);
  });

  it('leaves out exactly the fields named', () => {
    for (const field of UPLOAD_FIELDS) {
      const read = readUploadBody(uploadBody(FIELDS, [field]), undefined);
      expect(Object.keys(read)).toEqual(UPLOAD_FIELDS.filter((f) => f !== field));
    }
  });

  it('reads a JSON object too; a value that is not a string, or a body that is not JSON, is missing', () => {
    expect(readUploadBody(JSON.stringify(FIELDS), 'application/json; charset=utf-8')).toEqual(FIELDS);
    expect(readUploadBody('{"user_ref":1,"doc_id":"a"}', 'application/json')).toEqual({ doc_id: 'a' });
    expect(readUploadBody('{', 'application/json')).toEqual({});
    expect(readUploadBody('null', 'application/json')).toEqual({});
  });
});

describe('the answer', () => {
  it('is SUCCESS or FAILURE, trimmed, in any case, or as a JSON string', () => {
    expect(readUploadAnswer('SUCCESS')).toBe('SUCCESS');
    expect(readUploadAnswer(' failure\r\n')).toBe('FAILURE');
    expect(readUploadAnswer('"SUCCESS"')).toBe('SUCCESS');
    expect(readUploadAnswer('Success')).toBe('SUCCESS');
  });

  it('is nothing else: another word, a sentence, an HTML page, an empty body', () => {
    for (const body of ['OK', 'SUCCESS: stored', '<html>SUCCESS</html>', '', '{"status":"SUCCESS"}', "'SUCCESS'"]) expect(readUploadAnswer(body)).toBeUndefined();
  });
});

describe('a document by its first bytes', () => {
  it('knows PDF, JPEG and PNG', () => {
    expect(documentKind(new TextEncoder().encode('%PDF-1.4\n'))).toBe('pdf');
    expect(documentKind(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]))).toBe('jpeg');
    expect(documentKind(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]))).toBe('png');
  });

  it('is not an HTML page, a short head or nothing', () => {
    expect(documentKind(new TextEncoder().encode('<!DOCTYPE html>'))).toBeUndefined();
    expect(documentKind(new TextEncoder().encode('%PDF'))).toBeUndefined();
    expect(documentKind(new Uint8Array())).toBeUndefined();
  });
});

describe('the transport of the upload URL', () => {
  it('passes https anywhere and plain http on loopback', () => {
    expect(judgeUploadTransport('https://clientapp.gov.in/upload').verdict).toBe('pass');
    for (const url of ['http://127.0.0.1:8080/upload', 'http://localhost/upload', 'http://[::1]:1/upload', 'http://127.9.9.9/upload']) expect(judgeUploadTransport(url).verdict).toBe('pass');
  });

  it('warns on plain http elsewhere, naming the host', () => {
    const judged = judgeUploadTransport('http://clientapp.gov.in/upload');
    expect(judged.verdict).toBe('warn');
    expect(judged.message).toContain('clientapp.gov.in');
    expect(judgeUploadTransport('http://10.0.0.5/upload').verdict).toBe('warn');
  });

  it('calls anything but an http(s) URL invalid', () => {
    expect(judgeUploadTransport('ftp://x/upload').verdict).toBe('invalid');
    expect(judgeUploadTransport('not a url').verdict).toBe('invalid');
  });

  it('reads loopback hosts by name and address, not by prefix', () => {
    expect(isLoopbackHost('LOCALHOST')).toBe(true);
    expect(isLoopbackHost('app.localhost')).toBe(true);
    expect(isLoopbackHost('127.0.0.1.example.com')).toBe(false);
    expect(isLoopbackHost('localhost.example.com')).toBe(false);
  });
});
