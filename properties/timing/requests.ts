/**
 * The requests the timing tests send: the plain Pull URI request of the conformance suite (the
 * first configured document, the configured namespace and identity opt-ins), made by the request
 * factory, with the keyhash or the HMAC replaced by a near miss. Everything that is not under test
 * is correctly signed: the HMAC always covers the exact body sent (also the one carrying a wrong
 * keyhash), and the keyhash is right when the HMAC is under test, so an issuer reaches the
 * comparison under test whichever order it checks them in.
 */
import { digilockerHmac, type HmacEncoding } from '../../protocol/auth.js';
import type { Identity } from '../../protocol/identity.js';
import { PROFILES, type Format, type Profile } from '../../protocol/profiles.js';
import { pullRequest, type Signer, type Variation } from '../../protocol/request-factory.js';
import { newTxn, type Random } from '../../protocol/time.js';
import type { Config } from '../../core/config/index.js';
import { nodeHash } from '../../core/node-hash.js';
import { hmacNearMiss, keyhashNearMiss, type Prefix } from './nearmiss.js';
import type { Built } from './sampler.js';
import { tsAt } from './window.js';

export interface TimingRequestsInit {
  config: Config;
  apiKey: string;
  /** identity fields sent for the first document (RunContext.identityFor) */
  identity: Identity;
  digiLockerId: string;
  random: Random;
  /** the harness clock, injectable for tests */
  now?: () => number;
}

export interface Variant {
  /** ts as sent; default: now in the configured offset */
  ts?: string;
  keyhash?: { prefix: Prefix } | 'correct';
  hmac?: { prefix: Prefix } | 'correct';
}

export class TimingRequests {
  readonly profile: Profile;
  private readonly signer: Signer;

  constructor(private readonly init: TimingRequestsInit) {
    this.profile = PROFILES[init.config.profile];
    this.signer = { hash: nodeHash, apiKey: init.apiKey, hmac: init.config.hmac };
  }

  /** Whether the profile and config send x-digilocker-hmac at all. */
  get hasHmac(): boolean {
    return this.init.config.hmac !== 'none';
  }

  get hmacEncoding(): HmacEncoding {
    return this.init.config.hmac;
  }

  /** The correct x-digilocker-hmac for a body ('' without HMAC). */
  correctHmac(body: string): string {
    return digilockerHmac(nodeHash, this.init.apiKey, body, this.init.config.hmac) ?? '';
  }

  now(): Date {
    return new Date(this.init.now ? this.init.now() : Date.now());
  }

  /** ts for an instant `offsetSeconds` from now, in `offset` (or `Z`). */
  tsAt(offsetSeconds: number, offset = this.init.config.tsOffset): string {
    return tsAt(offsetSeconds, offset, this.now().getTime());
  }

  build(variant: Variant = {}): Built & { ts: string } {
    const { config, random } = this.init;
    const ts = variant.ts ?? this.tsAt(0);
    const doc = config.documents[0]!;
    const format: Format | undefined = this.profile.sendsFormat ? 'both' : undefined;
    const variation: Variation = {};
    if (variant.keyhash !== undefined && variant.keyhash !== 'correct') {
      const { prefix } = variant.keyhash;
      variation.keyhash = { how: 'near-miss', spoil: (correct) => keyhashNearMiss(correct, prefix, random) };
    }
    const hmac = config.hmac;
    if (variant.hmac !== undefined && variant.hmac !== 'correct' && hmac !== 'none') {
      const { prefix } = variant.hmac;
      variation.hmac = { how: 'near-miss', spoil: (body) => hmacNearMiss(nodeHash, this.init.apiKey, body as string, hmac, prefix, random) };
    }
    const made = pullRequest(
      this.profile,
      this.signer,
      {
        kind: 'pulluri',
        ts,
        txn: newTxn(random),
        orgId: config.orgId,
        namespace: config.namespace,
        format,
        docType: doc.docType,
        search: Object.entries(doc.search),
        digiLockerId: this.init.digiLockerId,
        identity: this.init.identity,
      },
      variation,
    );
    return { body: made.body as string, headers: made.headers, ts };
  }
}
