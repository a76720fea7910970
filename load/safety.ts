/**
 * Where load may go. An issuer must never load-test somebody else's servers (least of all
 * DigiLocker's production) by a slip in a config file, so `dlconform load` sends traffic only to
 * loopback or to a host the config lists in `loadAllowedHosts`, never to a DigiLocker host, and vegeta
 * follows no redirect.
 */
import { isIP } from 'node:net';

/** DigiLocker's and API Setu's own domains: refused even when listed in loadAllowedHosts. */
const NEVER_LOAD = ['digilocker.gov.in', 'digitallocker.gov.in', 'apisetu.gov.in'];

export class LoadTargetRefused extends Error {}

function bareHost(hostname: string): string {
  const h = hostname.toLowerCase();
  const unbracketed = h.startsWith('[') && h.endsWith(']') ? h.slice(1, -1) : h;
  return unbracketed.endsWith('.') ? unbracketed.slice(0, -1) : unbracketed;
}

/** Literal loopback addresses and the name localhost (which resolves to loopback by RFC 6761). */
export function isLoopback(hostname: string): boolean {
  const h = bareHost(hostname);
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) return h.split('.')[0] === '127';
  if (isIP(h) === 6) return h === '::1' || h === '0:0:0:0:0:0:0:1' || /^::ffff:127\./.test(h);
  return false;
}

/** Throws LoadTargetRefused with the way out when `url` may not receive load. */
export function assertLoadTarget(url: string, allowedHosts: readonly string[]): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new LoadTargetRefused(`load refused: ${JSON.stringify(url)} is not a URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new LoadTargetRefused(`load refused: ${parsed.protocol} is not http or https`);
  const host = bareHost(parsed.hostname);
  const protectedDomain = NEVER_LOAD.find((d) => host === d || host.endsWith(`.${d}`));
  if (protectedDomain) {
    throw new LoadTargetRefused(
      `load refused: ${host} is DigiLocker's (${protectedDomain}). dlconform load tests your issuer's endpoints, never DigiLocker's servers; point target at your own issuer.`,
    );
  }
  if (isLoopback(host)) return;
  if (allowedHosts.some((a) => bareHost(a) === host)) return;
  throw new LoadTargetRefused(
    `load refused: ${host} is not loopback and not listed in the config's "loadAllowedHosts". ` +
      `Load goes only where you point it on purpose: if ${host} is your own issuer (a staging server you may load), ` +
      `add "loadAllowedHosts": ["${host}"] to the config file.`,
  );
}
