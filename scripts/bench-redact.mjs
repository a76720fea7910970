// Redaction cost as a run's secrets grow (not a test): every signed request adds its keyhash and
// HMAC to the run's Redactor, and every recorded response passes through it. Prints the median
// time to redact an 80 KB response with 10, 100, 300 and 1000 requests' secrets registered, and
// each as a ratio of the 10-request baseline measured in the same run (the machine is shared).
//
//   node --import tsx scripts/bench-redact.mjs
import { createHash } from 'node:crypto';
import { median } from './bench-util.mjs';

const { Redactor } = await import('../core/redact.ts');
const owner = { fullName: 'Sunil Kumar', dob: '31-12-1990', aadhaar: '123443211122' };
// a Pull Doc answer: base64 content (the bulk), and the request's own values around it
const body = `<PullDocResponse><DocDetails><DocContent>${createHash('sha512').update('x').digest('base64').repeat(900)}</DocContent></DocDetails></PullDocResponse>`;

function redactorWith(requests) {
  const r = new Redactor({ apiKey: 'bench-api-key-1234', config: { documents: [{ owner }] } });
  for (let i = 0; i < requests; i++) {
    r.addSecret(createHash('sha256').update(`keyhash-${i}`).digest('hex'), 'keyhash');
    r.addSecret(createHash('sha256').update(`hmac-${i}`).digest('base64'), 'hmac');
  }
  return r;
}

function timeMs(r, rounds) {
  const times = [];
  for (let i = 0; i < rounds; i++) {
    const started = performance.now();
    r.redact(body);
    times.push(performance.now() - started);
  }
  return median(times);
}

console.log(`redact one ${Math.round(body.length / 1024)} KB response (median of 15; ratio to 10 requests' secrets, measured in this run)`);
const baseline = timeMs(redactorWith(10), 15);
for (const n of [10, 100, 300, 1000]) {
  const ms = n === 10 ? baseline : timeMs(redactorWith(n), 15);
  console.log(`  ${String(n).padStart(5)} requests' secrets: ${ms.toFixed(2)} ms  (${(ms / baseline).toFixed(1)}x)`);
}
