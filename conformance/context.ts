/**
 * The run context handed to every check: it builds and signs requests from the config through
 * protocol/, sends them with the target client, parses responses, and shares the exchanges several
 * checks judge (the baseline search, the absent search) so each is sent once per run.
 */
import { keyhash, md5Hex, type HmacEncoding } from '../protocol/auth.js';
import { type Format, type FormatKey, type NamespaceForm, type Profile } from '../protocol/profiles.js';
import {
  buildPullDocRequest,
  buildPullUriRequest,
  envelopeFor,
  signedHeaders,
  type BuildOptions,
  type Envelope,
  type PullDocDetails,
  type PullUriDetails,
} from '../protocol/requests.js';
import { readResponse, readResponseBytes, type ParsedResponse } from '../protocol/responses.js';
import { formatTs, newTxn, type Random } from '../protocol/time.js';
import type { RawExchange, TargetClient } from '../core/client.js';
import type { Config } from '../core/config/index.js';
import { nodeHash } from '../core/node-hash.js';
import type { Api, PullApi } from '../core/types.js';

export interface SearchTarget {
  docType: string;
  search: Record<string, string>;
  owner?: { fullName?: string; dob?: string; aadhaar?: string };
}

export interface Identity {
  fullName?: string;
  dob?: string;
  uid?: string;
  photo?: string;
}

/** What a check may vary in a request; everything else follows the config. */
export interface RequestVariant {
  /** Pull URI: the search (default: the first configured document) */
  target?: SearchTarget;
  /** Pull Doc: the URI (default: the first configured document's URI) */
  uri?: string;
  format?: FormatKey;
  namespace?: NamespaceForm;
  /** identity fields: 'owner' sends the opted-in fields of the target's owner (default) */
  identity?: 'owner' | 'none' | Identity;
  ts?: string;
  txn?: string;
  orgId?: string;
  /** key used for the keyhash (default: the API key) */
  keyhashKey?: string;
  /** key used for the HMAC (default: the API key) */
  hmacKey?: string;
  /** omit the x-digilocker-hmac header */
  omitHmac?: boolean;
  build?: BuildOptions;
  extraAttributes?: Envelope['extraAttributes'];
  extraElements?: PullUriDetails['extraElements'];
  /** changes the body after it was signed (tampering) */
  afterSigning?: (body: string) => string;
  /** replaces the built body entirely, before signing (malformed or DTD bodies) */
  rawBody?: (built: string) => string;
}

export interface SentExchange {
  api: Api;
  /** what this request was, in a few words, for evidence */
  label: string;
  ts: string;
  txn: string;
  raw: RawExchange;
  parsed?: ParsedResponse;
  /** values sent that must never be echoed or written unredacted */
  secretsSent: string[];
}

/** A tiny JPEG (SOI + APP0 + EOI), base64: enough to exercise the Photo opt-in without personal data. */
const TINY_JPEG = '/9j/4AAQSkZJRgABAQAAAQABAAD/2Q==';

export class RunContext {
  private readonly sharedResults = new Map<string, Promise<unknown>>();
  readonly digiLockerId: string;

  constructor(
    readonly config: Config,
    readonly profile: Profile,
    private readonly apiKey: string,
    readonly client: TargetClient,
    readonly random: Random,
    private readonly onSecret: (value: string, label: string) => void,
  ) {
    const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16)).join('');
    this.digiLockerId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
  }

  /** keyhash = sha256(API key + ts) for messages protocol/ builds elsewhere (the push checks). */
  keyhashFor(ts: string): string {
    return keyhash(nodeHash, this.apiKey, ts);
  }

  /** Runs `make` once per key and shares its promise between checks. */
  shared<T>(key: string, make: () => Promise<T>): Promise<T> {
    let p = this.sharedResults.get(key) as Promise<T> | undefined;
    if (!p) {
      p = make();
      this.sharedResults.set(key, p);
    }
    return p;
  }

  get firstDocument(): SearchTarget & { uri?: string } {
    return this.config.documents[0]!;
  }

  /** The default format of a plain request: both where the profile has formats. */
  defaultFormat(): FormatKey {
    return this.profile.sendsFormat ? 'both' : 'absent';
  }

  identityFor(target: SearchTarget): Identity {
    const optIn = this.config.optIn;
    const owner = target.owner ?? {};
    const allowed = new Set(this.profile.optInFields);
    const id: Identity = {};
    if (optIn.fullName && allowed.has('FullName') && owner.fullName) id.fullName = owner.fullName;
    if (optIn.dob && allowed.has('DOB') && owner.dob) id.dob = owner.dob;
    if (optIn.uid && allowed.has('UID') && owner.aadhaar) {
      id.uid = this.config.uidMode === 'md5' ? md5Hex(nodeHash, owner.aadhaar) : owner.aadhaar;
    }
    if (optIn.photo && allowed.has('Photo')) id.photo = TINY_JPEG;
    return id;
  }

  private envelope(variant: RequestVariant, ts: string, txn: string): Envelope {
    const format = variant.format ?? this.defaultFormat();
    const env = envelopeFor(
      this.profile,
      { hash: nodeHash, apiKey: variant.keyhashKey ?? this.apiKey, hmac: this.config.hmac },
      { ts, txn, orgId: variant.orgId ?? this.config.orgId, namespace: variant.namespace ?? this.config.namespace, format: format === 'absent' ? undefined : (format as Format) },
    );
    return { ...env, extraAttributes: variant.extraAttributes };
  }

  private sign(body: string, variant: RequestVariant): Record<string, string> {
    const hmac: HmacEncoding = variant.omitHmac ? 'none' : this.config.hmac;
    return signedHeaders({ hash: nodeHash, apiKey: variant.hmacKey ?? this.apiKey, hmac }, body);
  }

  /** Builds, signs and sends one request; parses the response when there is one. */
  async send(api: PullApi, label: string, variant: RequestVariant = {}): Promise<SentExchange> {
    const ts = variant.ts ?? formatTs(new Date(), this.config.tsOffset);
    const txn = variant.txn ?? newTxn(this.random);
    const env = this.envelope(variant, ts, txn);
    let body: string;
    const secretsSent: string[] = [];
    if (api === 'pulluri') {
      const target = variant.target ?? this.firstDocument;
      const identity = variant.identity === 'none' ? {} : variant.identity === undefined || variant.identity === 'owner' ? this.identityFor(target) : variant.identity;
      const details: PullUriDetails = {
        docType: this.profile.sendsDocType ? target.docType : undefined,
        digiLockerId: this.profile.sendsDigiLockerId ? this.digiLockerId : undefined,
        ...identity,
        search: Object.entries(target.search),
        extraElements: variant.extraElements,
      };
      secretsSent.push(...[identity.fullName, identity.dob, identity.uid].filter((v): v is string => !!v));
      body = buildPullUriRequest(env, details, variant.build);
    } else {
      const identity = variant.identity === undefined || variant.identity === 'none' || variant.identity === 'owner' ? {} : variant.identity;
      const details: PullDocDetails = {
        uri: variant.uri ?? this.firstDocument.uri ?? '',
        digiLockerId: this.profile.sendsDigiLockerId ? this.digiLockerId : undefined,
        ...identity,
        extraElements: variant.extraElements,
      };
      body = buildPullDocRequest(env, details, variant.build);
    }
    if (variant.rawBody) body = variant.rawBody(body);
    const headers = this.sign(body, variant);
    if (env.keyhash) {
      secretsSent.push(env.keyhash);
      this.onSecret(env.keyhash, 'keyhash');
    }
    const mac = headers['x-digilocker-hmac'];
    if (mac) {
      secretsSent.push(mac);
      this.onSecret(mac, 'hmac');
    }
    if (variant.afterSigning) body = variant.afterSigning(body);
    const url = api === 'pulluri' ? this.config.target.pullUri : this.config.target.pullDoc!;
    const raw = await this.client.send({ url, headers, body });
    const r = raw.response;
    // a large body is read from its bytes: its base64 content never becomes a string
    const parsed = r ? (r.lazyText && r.utf8 ? readResponseBytes(api, r.bytes) : readResponse(api, r.text)) : undefined;
    return { api, label, ts, txn, raw, parsed, secretsSent };
  }

  /** The plain, correctly signed request for the first document, shared by many checks. */
  baseline(api: PullApi): Promise<SentExchange> {
    return this.shared(`baseline:${api}`, () => this.send(api, 'baseline: valid request for the first configured document'));
  }

  /** A request that matches no document: the configured absent search, or an unissued URI. */
  absent(api: PullApi): Promise<SentExchange> {
    return this.shared(`absent:${api}`, () =>
      api === 'pulluri'
        ? this.send(api, 'search that matches no document', { target: this.config.absent, identity: 'none' })
        : this.send(api, 'URI that was never issued', { uri: this.absentUri() }),
    );
  }

  /** A format variant of the baseline (the baseline itself for the default format). */
  withFormat(api: PullApi, format: FormatKey): Promise<SentExchange> {
    if (format === this.defaultFormat()) return this.baseline(api);
    return this.shared(`format:${api}:${format}`, () => this.send(api, `valid request with format ${format}`, { format }));
  }

  absentUri(): string {
    if (this.config.absentUri) return this.config.absentUri;
    const uri = this.firstDocument.uri ?? `${this.config.issuerId}-${this.firstDocument.docType}-X`;
    const dash = uri.lastIndexOf('-');
    // same issuer and type, a DocId no issuer hands out: the grammar stays valid, the lookup fails
    return `${uri.slice(0, dash + 1)}ZZ9NOTISSUED`;
  }
}
