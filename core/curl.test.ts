import { execFileSync, spawn } from 'node:child_process';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { digilockerHmac, keyhash } from '../protocol/auth.js';
import { WRONG_KEY } from '../protocol/request-factory.js';
import { curlLine, shellQuote } from './curl.js';
import { nodeHash } from './node-hash.js';
import { Redactor } from './redact.js';

const KEY = 'TESTAPIKEY123';
const TS = '2016-01-11T14:44:48+05:30';
const URL_ = 'http://127.0.0.1:8080/pulluri';

function body(kh: string, extra = ''): string {
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><PullURIRequest xmlns="http://tempuri.org/" ver="3.0" ts="${TS}" txn="1452503688" orgId="in.gov.dept.state" keyhash="${kh}" format="both"><DocDetails><DocType>INCER</DocType><DigiLockerId>123e4567-e89b-12d3-a456-426655440000</DigiLockerId><UDF1>13333</UDF1>${extra}</DocDetails></PullURIRequest>`;
}

function signed(b: string, encoding: 'hex-base64' | 'raw-base64' = 'hex-base64', key = KEY) {
  return { method: 'POST', url: URL_, headers: { 'Content-Type': 'application/xml', 'x-digilocker-hmac': digilockerHmac(nodeHash, key, b, encoding)! }, body: b };
}

const validKeyhash = keyhash(nodeHash, KEY, TS);

function sh(script: string, env: Record<string, string> = {}): string {
  return execFileSync('sh', ['-c', script], { env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8' });
}

const haveTools = (() => {
  try {
    sh('command -v openssl && command -v curl');
    return true;
  } catch {
    return false;
  }
})();

describe('shellQuote', () => {
  it('round-trips anything through sh, single quotes included', () => {
    for (const text of [`it's`, `'''`, `a"b$c\`d\\e`, 'line1\nline2\n', '', ' spaced  out ', '$(rm -rf /)']) {
      expect(sh(`printf '%s' ${shellQuote(text)}`)).toBe(text);
    }
  });
});

describe('curlLine', () => {
  it('never prints the key, keyhash or HMAC, and names the env variable', () => {
    const req = signed(body(validKeyhash));
    const out = curlLine(req, { apiKey: KEY, apiKeyEnv: 'MY_KEY', timeoutMs: 2500 });
    expect(out).not.toContain(KEY);
    expect(out).not.toContain(validKeyhash);
    expect(out).not.toContain(req.headers['x-digilocker-hmac']);
    expect(out).toContain('"$MY_KEY"');
    expect(out).toContain('--max-time 2.5');
    expect(out).toContain(`-H "x-digilocker-hmac: $DLCONFORM_HMAC"`);
    expect(out).toContain(`keyhash="'"$DLCONFORM_KEYHASH"'"`);
    expect(out).toMatch(/printf '%s' "\$DLCONFORM_BODY" \| curl -sS -i --max-time 2\.5 -X 'POST' -H 'Content-Type: application\/xml' .* --data-binary @- 'http:\/\/127\.0\.0\.1:8080\/pulluri'$/);
  });

  it('quotes a body with single quotes safely', () => {
    const b = body(validKeyhash, `<UDF2>it's "quoted" $(nope) \`x\`</UDF2>`);
    const out = curlLine(signed(b), { apiKey: KEY });
    // Evaluate the assignments only (no network): the body must come back byte for byte.
    const assignments = out.split('\n').filter((l) => !l.includes('curl '));
    expect(sh(`${assignments.join('\n')}\nprintf '%s' "$DLCONFORM_BODY"`, { DLCONFORM_API_KEY: KEY })).toBe(b);
  });

  it('recomputes a keyhash and HMAC that verify, in both encodings', { skip: !haveTools }, () => {
    for (const encoding of ['hex-base64', 'raw-base64'] as const) {
      const req = signed(body(validKeyhash), encoding);
      const out = curlLine(req, { apiKey: KEY });
      const assignments = out.split('\n').filter((l) => !l.includes('curl '));
      const printed = sh(`${assignments.join('\n')}\nprintf '%s\\n%s' "$DLCONFORM_KEYHASH" "$DLCONFORM_HMAC"`, { DLCONFORM_API_KEY: KEY });
      expect(printed).toBe(`${validKeyhash}\n${req.headers['x-digilocker-hmac']}`);
    }
  });

  it('reproduces a wrong keyhash or HMAC with a wrong key, and a missing header as missing', { skip: !haveTools }, () => {
    const wrongKh = keyhash(nodeHash, 'other', TS);
    const out = curlLine(signed(body(wrongKh)), { apiKey: KEY });
    expect(out).toContain('keyhash that does not verify');
    const assignments = out.split('\n').filter((l) => !l.includes('curl '));
    expect(sh(`${assignments.join('\n')}\nprintf '%s' "$DLCONFORM_KEYHASH"`, { DLCONFORM_API_KEY: KEY })).toBe(keyhash(nodeHash, WRONG_KEY, TS));

    const badHmac = curlLine(signed(body(validKeyhash), 'hex-base64', 'not-the-key'), { apiKey: KEY });
    expect(badHmac).toContain('x-digilocker-hmac that does not match the body');
    expect(badHmac).toContain(`-hmac '${WRONG_KEY}'`);

    const noHmac = curlLine({ ...signed(body(validKeyhash)), headers: { 'Content-Type': 'application/xml' } }, { apiKey: KEY });
    expect(noHmac).not.toContain('x-digilocker-hmac');
    expect(noHmac).toContain('; keyhash is recomputed here');
  });

  it('keeps uppercase keyhash as uppercase', () => {
    const out = curlLine(signed(body(validKeyhash.toUpperCase())), { apiKey: KEY });
    expect(out).toContain(`tr 'a-f' 'A-F'`);
  });

  it('assumes valid signatures when no key is given', () => {
    const out = curlLine(signed(body(validKeyhash)));
    expect(out).toContain('"$DLCONFORM_API_KEY"');
    expect(out).not.toContain('wrong key');
  });

  it('runs through the Redactor and says so when values were removed', () => {
    const redactor = new Redactor({ apiKey: KEY, config: { documents: [{ owner: { fullName: 'Sunil Kumar' } }] } });
    const b = body(validKeyhash, '<FullName>Sunil Kumar</FullName>');
    const out = curlLine({ ...signed(b), headers: { ...signed(b).headers, Authorization: 'Bearer abc' } }, { redactor, apiKey: KEY });
    expect(out).not.toContain('Sunil');
    expect(out).toContain('<FullName>[REDACTED:');
    expect(out).toContain("-H 'Authorization: [REDACTED:authorization]'");
    expect(out).toContain('# [REDACTED:…] values were removed');
    expect(out).toContain(`-H "x-digilocker-hmac: $DLCONFORM_HMAC"`);
    expect(out).toContain(`keyhash="'"$DLCONFORM_KEYHASH"'"`);
  });

  it('handles bodies without keyhash and empty bodies', () => {
    expect(curlLine({ method: 'GET', url: URL_, headers: {}, body: '' })).toBe(`# dlconform: reproduces GET ${URL_}\ncurl -sS -i --max-time 10 -X 'GET' '${URL_}'`);
    const garbage = curlLine({ method: 'POST', url: URL_, headers: { 'x-digilocker-hmac': 'not base64!' }, body: 'not xml' });
    expect(garbage).toContain(`-H 'x-digilocker-hmac: not base64!'`);
    expect(garbage).toContain(`DLCONFORM_BODY='not xml'`);
  });

  it('reproduces the request end to end against a server that verifies it', { skip: !haveTools, timeout: 20_000 }, async () => {
    const seen: { body: string; hmac?: string }[] = [];
    const server = createServer((req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({ body: Buffer.concat(chunks).toString('utf8'), hmac: req.headers['x-digilocker-hmac'] as string | undefined });
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/pulluri`;
      const b = body(validKeyhash, `<UDF2>it's</UDF2>`);
      const script = curlLine({ ...signed(b), url }, { apiKey: KEY, timeoutMs: 5000 });
      const output = await new Promise<string>((resolve, reject) => {
        const child = spawn('sh', ['-c', script], { env: { PATH: process.env.PATH ?? '', DLCONFORM_API_KEY: KEY } });
        let text = '';
        child.stdout.on('data', (d: Buffer) => (text += d.toString()));
        child.on('error', reject);
        child.on('close', (code) => (code === 0 ? resolve(text) : reject(new Error(`sh exited ${code}`))));
      });
      expect(output).toContain('200 OK');
      expect(seen).toHaveLength(1);
      expect(seen[0]!.body).toBe(b);
      expect(seen[0]!.hmac).toBe(digilockerHmac(nodeHash, KEY, b, 'hex-base64'));
    } finally {
      server.close();
    }
  });
});
