/**
 * The signed request stream vegeta reads: one JSON target per line (`vegeta attack -format=json
 * -lazy`), each made by the request factory (a template it built, filled in) when it is written, with a fresh ts, a unique txn, the
 * keyhash and the HMAC over its exact body. Lines are written only a little ahead of vegeta's
 * schedule, and never past the pipe's back-pressure, so the ts a request carries is at most a
 * fraction of a second older than the moment it is sent.
 */
import type { Writable } from 'node:stream';
import { keyhash } from '../protocol/auth.js';
import { PROFILES } from '../protocol/profiles.js';
import { signedHeaders, type Signer } from '../protocol/request-factory.js';
import { formatTs } from '../protocol/time.js';
import type { DatasetItem, LoadPlan } from './plan.js';
import { buildLoadRequest, fillTemplate, requestTemplate, txnFor, type RequestTemplate } from './request.js';

/** Builds one signed target after another, cycling through the dataset. */
export class SignedTargets {
  private readonly templates: Array<RequestTemplate | undefined>;
  private readonly profile;
  private readonly head: string;
  private counter = 0;
  private tsSecond = -1;
  private ts = '';
  private keyhash = '';

  constructor(
    private readonly plan: LoadPlan,
    private readonly signer: Signer,
    private readonly dataset: readonly DatasetItem[],
    private readonly step: number,
  ) {
    this.profile = PROFILES[plan.specProfile];
    this.templates = dataset.map((item) => requestTemplate(plan, this.profile, item));
    this.head = `{"method":"POST","url":${JSON.stringify(plan.url)},"body":"`;
  }

  /** How many targets were built. */
  get count(): number {
    return this.counter;
  }

  /** The next request, signed at `now`: body and headers (for tests and the bench). */
  nextRequest(now = new Date()): { body: string; headers: Record<string, string>; ts: string; txn: string } {
    const i = this.counter++;
    const item = this.dataset[i % this.dataset.length]!;
    const template = this.templates[i % this.dataset.length];
    const txn = txnFor(this.plan.runId, this.plan.segment.index, this.step, i);
    // ts has whole seconds: it and the keyhash change once a second, not on every request
    const second = Math.floor(now.getTime() / 1000);
    if (second !== this.tsSecond) {
      this.tsSecond = second;
      this.ts = formatTs(now, this.plan.tsOffset);
      this.keyhash = keyhash(this.signer.hash, this.signer.apiKey, this.ts);
    }
    if (!template) return buildLoadRequest(this.plan, this.profile, this.signer, item, txn, now);
    const body = fillTemplate(template, { ts: this.ts, txn, keyhash: this.keyhash });
    return { body, headers: signedHeaders(this.signer, body), ts: this.ts, txn };
  }

  /** The next target as one line of vegeta's JSON target format. */
  nextLine(now = new Date()): string {
    const r = this.nextRequest(now);
    let header = '';
    for (const name in r.headers) header += `${header ? ',' : ''}${JSON.stringify(name)}:[${JSON.stringify(r.headers[name])}]`;
    return `${this.head}${Buffer.from(r.body, 'utf8').toString('base64')}","header":{${header}}}\n`;
  }
}

export interface PumpOptions {
  /** requests per second vegeta sends (this segment's share) */
  rate: number;
  /** how far ahead of the schedule lines may be written: the larger of this many ms and `minLines` */
  leadMs?: number;
  minLines?: number;
}

/**
 * Writes targets into vegeta's stdin as its schedule needs them: at any moment, the lines due so
 * far plus a small lead, and never more than the pipe accepts. Ends when `stop()` is called or the
 * pipe closes (vegeta exited).
 */
export function pumpTargets(stdin: Writable, targets: SignedTargets, o: PumpOptions): { stop: () => void; done: Promise<number> } {
  let stopped = false;
  let wake: (() => void) | undefined;
  const stop = () => {
    stopped = true;
    wake?.();
  };
  stdin.on('error', stop); // EPIPE once vegeta has exited: nothing more to write
  stdin.on('close', stop);
  // at a low rate a long lead would age the ts: a couple of lines keep vegeta fed there
  const lead = Math.max(o.minLines ?? 2, Math.ceil((o.rate * (o.leadMs ?? 500)) / 1000));
  const started = Date.now();
  const done = (async () => {
    let written = 0;
    while (!stopped) {
      const due = Math.floor(((Date.now() - started) / 1000) * o.rate) + lead;
      while (!stopped && written < due) {
        // the lines due go out in one write (up to 64): one system call, not one per request
        let batch = '';
        for (let n = 0; n < 64 && written < due; n++, written++) batch += targets.nextLine();
        const ok = stdin.write(batch);
        if (!ok) {
          await new Promise<void>((resolve) => {
            wake = resolve;
            stdin.once('drain', resolve);
          });
          wake = undefined;
        }
      }
      if (stopped) break;
      // sleep until about a quarter of the lead has been consumed
      const waitMs = Math.max(2, Math.min(100, ((lead / 4) * 1000) / o.rate));
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, waitMs);
      });
      wake = undefined;
    }
    return written;
  })();
  return { stop, done };
}
