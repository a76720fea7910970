import { describe, expect, it } from 'vitest';
import { assertLoadTarget, isLoopback, LoadTargetRefused } from './safety.js';

describe('load target safety', () => {
  it('loopback is always allowed', () => {
    for (const url of ['http://127.0.0.1:8080/pulldoc', 'http://127.1.2.3/x', 'http://localhost:3000/p', 'https://LOCALHOST./p', 'http://[::1]:9000/p', 'http://api.localhost/p']) {
      expect(() => assertLoadTarget(url, []), url).not.toThrow();
    }
    expect(isLoopback('::ffff:127.0.0.1')).toBe(true);
  });

  it('any other host is refused unless listed in loadAllowedHosts, with the fix in the message', () => {
    for (const url of [
      'https://issuer.example.gov.in/pulldoc',
      'http://10.0.0.5/pulldoc',
      'http://192.168.1.2/x',
      'http://0.0.0.0/x',
      'http://128.0.0.1/x',
      'http://[::2]/x',
      'http://127.0.0.1.nip.io/x',
    ]) {
      expect(() => assertLoadTarget(url, []), url).toThrow(LoadTargetRefused);
    }
    expect(() => assertLoadTarget('https://issuer.example.gov.in/pulldoc', [])).toThrow(
      /not loopback and not listed in the config's "loadAllowedHosts".*"loadAllowedHosts": \["issuer.example.gov.in"\]/,
    );
    expect(() => assertLoadTarget('https://Issuer.Example.gov.in:8443/pulldoc', ['issuer.example.gov.in'])).not.toThrow();
    expect(() => assertLoadTarget('https://other.example.gov.in/pulldoc', ['issuer.example.gov.in'])).toThrow(LoadTargetRefused);
    expect(() => assertLoadTarget('http://[2001:db8::1]/p', ['[2001:db8::1]'])).not.toThrow();
  });

  it("DigiLocker's own hosts are refused even when listed", () => {
    for (const host of ['digilocker.gov.in', 'api.digitallocker.gov.in', 'partners.apisetu.gov.in']) {
      expect(() => assertLoadTarget(`https://${host}/public/oauth2`, [host]), host).toThrow(/DigiLocker's/);
    }
  });

  it('only http(s) URLs', () => {
    expect(() => assertLoadTarget('ftp://127.0.0.1/x', [])).toThrow(/not http or https/);
    expect(() => assertLoadTarget('not a url', [])).toThrow(/not a URL/);
  });
});
