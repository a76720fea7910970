/**
 * The benchmark's baseline: a bare k6 script that POSTs one fixed, pre-signed body with its
 * headers (DLCONFORM_BARE: a JSON file { url, body, headers }) and checks only the HTTP status.
 * `npm run bench:load` runs it next to the dlconform script on the same target and executor.
 */
import { check } from 'k6';
import http from 'k6/http';

const fixed = JSON.parse(open(__ENV.DLCONFORM_BARE!)) as { url: string; body: string; headers: Record<string, string>; options: Record<string, unknown> };

export const options = fixed.options;

export default function (): void {
  const res = http.post(fixed.url, fixed.body, { headers: fixed.headers });
  check(res, { 'HTTP 200': (r) => r.status === 200 });
}
