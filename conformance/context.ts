/**
 * The run context handed to every check: it asks the request factory (protocol/request-factory.ts)
 * for each request from the config and a check's variation, sends them with the target client, parses responses, and shares the exchanges several
 * checks judge (the baseline search, the absent search) so each is sent once per run.
 */
import { keyhash, type HmacEncoding } from '../protocol/auth.js';
import { IDENTITY_KEY, optedInIdentity, OPT_IN_FIELDS, type Identity } from '../protocol/identity.js';
import { apiKeyForms } from '../protocol/leaks.js';
import type { Format, FormatKey, NamespaceForm, Profile } from '../protocol/profiles.js';
import { pullRequest, resignRequest, type PullRequest, type Variation } from '../protocol/request-factory.js';
import { writtenDetailValues, type Replaced } from '../protocol/replay.js';
import { pushUriAccountHmac } from '../protocol/push.js';
import { certificateRequestHeaders } from '../protocol/apisetu.js';
import type { PullApi } from '../protocol/requests.js';
import { readRequest } from '../protocol/requests.js';
import { readResponse, readResponseBytes, type ParsedResponse } from '../protocol/responses.js';
import { formatTs, newTxn, tsLike, txnLike, type Random } from '../protocol/time.js';
import type { RawExchange, TargetClient } from '../core/client.js';
import { Canary } from './canary.js';
import type { Config, PartnerCredentials } from '../core/config/index.js';
import { nodeHash } from '../core/node-hash.js';
import type { Api } from '../core/types.js';

export type { Identity };

export interface SearchTarget {
  docType: string;
  search: Record<string, string>;
  owner?: { fullName?: string; dob?: string; aadhaar?: string };
}

/**
 * What a check may vary in a request: the fields it asks about, and a variation of the request
 * factory's (wrong keys, spoiled signatures, tampering, omitted opt-in fields, formatting, extras,
 * a raw body). Everything else follows the config.
 */
export interface RequestVariant extends Variation {
  /** Pull URI: the search (default: the first configured document) */
  target?: SearchTarget;
  /** Pull Doc: the URI (default: the first configured document's URI) */
  uri?: string;
  format?: FormatKey;
  namespace?: NamespaceForm;
  /** identity values sent in place of the owner's opted-in ones (default: the owner's) */
  identity?: Identity;
  ts?: string;
  txn?: string;
  orgId?: string;
  /** signs with this HMAC encoding instead of the config's (the diagnosis retries a refused baseline once with the other) */
  hmacEncoding?: HmacEncoding;
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
  /** a Pull request as the factory made it (body, headers, omitted opt-in fields) */
  request?: PullRequest;
}

export class RunContext {
  private readonly sharedResults = new Map<string, Promise<unknown>>();
  private canaryOpened?: Promise<Canary>;
  readonly digiLockerId: string;

  constructor(
    readonly config: Config,
    readonly profile: Profile,
    private readonly apiKey: string,
    readonly client: TargetClient,
    readonly random: Random,
    private readonly onSecret: (value: string, label: string) => void,
    /** target.pushUriAccount's partner clientid and secret, read from the environment */
    private readonly partner?: PartnerCredentials,
  ) {
    const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16)).join('');
    this.digiLockerId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
  }

  /** keyhash = sha256(API key + ts) for messages protocol/ builds elsewhere (the push checks). */
  keyhashFor(ts: string): string {
    return keyhash(nodeHash, this.apiKey, ts);
  }

  /** The partner's clientid (target.pushUriAccount), when the config has that endpoint. */
  get partnerClientId(): string | undefined {
    return this.partner?.clientId;
  }

  /** Push URI to Account's hmac = sha256(client secret + clientid + ts), hex; the secret stays here. */
  pushUriAccountHmacFor(clientId: string, ts: string): string {
    if (!this.partner) throw new Error('target.pushUriAccount is set but no partner credentials were read from the environment');
    return pushUriAccountHmac(nodeHash, this.partner.clientSecret, clientId, ts);
  }

  /**
   * Profile apisetu: the headers of a certificate request (protocol/apisetu.ts), the API key kept
   * here; `apiKey`/`clientId` replace the configured ones, null leaves the header out.
   */
  apiSetuHeaders(replace: { apiKey?: string | null; clientId?: string | null } = {}): Record<string, string> {
    const apiKey = replace.apiKey === null ? undefined : (replace.apiKey ?? this.apiKey);
    const clientId = replace.clientId === null ? undefined : (replace.clientId ?? this.config.apiSetu?.clientId);
    return certificateRequestHeaders({ ...(apiKey !== undefined && { apiKey }), ...(clientId !== undefined && { clientId }) });
  }

  /** The API key in every form an issuer might echo it (protocol/leaks.ts), for the echo checks. */
  apiKeyForms(): string[] {
    return apiKeyForms(this.apiKey);
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

  /** The run's XXE canary listener, opened by the first check that asks for it; closed by close(). */
  canary(): Promise<Canary> {
    this.canaryOpened ??= Canary.open();
    return this.canaryOpened;
  }

  /** Releases what the run opened (the canary listener); the runner calls it when the run ends. */
  async close(): Promise<void> {
    const opened = this.canaryOpened;
    this.canaryOpened = undefined;
    // a listener that failed to open has nothing to close; the check that asked reported it
    if (opened)
      await opened.then(
        (c) => c.close(),
        () => undefined,
      );
  }

  get firstDocument(): SearchTarget & { uri?: string } {
    return this.config.documents[0]!;
  }

  /** The default format of a plain request: both where the profile has formats. */
  defaultFormat(): FormatKey {
    return this.profile.sendsFormat ? 'both' : 'absent';
  }

  /** The configured document a Pull Doc URI names (its owner's identity goes with the request); none for another URI. */
  private documentWithUri(uri: string | undefined): SearchTarget {
    return this.config.documents.find((d) => d.uri !== undefined && d.uri === uri) ?? { docType: '', search: {} };
  }

  /** The opted-in identity fields of a target's owner, as DigiLocker sends them with `api`. */
  identityFor(target: SearchTarget, api: PullApi = 'pulluri'): Identity {
    const fields = api === 'pulluri' ? this.profile.optInFields : this.profile.pullDocOptInFields;
    return optedInIdentity(nodeHash, { optIn: this.config.optIn, uidMode: this.config.uidMode, fields }, target.owner);
  }

  /** Builds, signs and sends one request; parses the response when there is one. */
  async send(api: PullApi, label: string, variant: RequestVariant = {}): Promise<SentExchange> {
    const { target: searchTarget, uri, format, namespace, identity, ts, txn, orgId, hmacEncoding, ...variation } = variant;
    const target = searchTarget ?? this.firstDocument;
    const formatKey = format ?? this.defaultFormat();
    const request = pullRequest(
      this.profile,
      { hash: nodeHash, apiKey: this.apiKey, hmac: hmacEncoding ?? this.config.hmac },
      {
        kind: api,
        ts: ts ?? formatTs(new Date(), this.config.tsOffset),
        txn: txn ?? newTxn(this.random),
        orgId: orgId ?? this.config.orgId,
        namespace: namespace ?? this.config.namespace,
        format: formatKey === 'absent' ? undefined : (formatKey as Format),
        docType: target.docType,
        search: Object.entries(target.search),
        uri: uri ?? this.firstDocument.uri ?? '',
        digiLockerId: this.digiLockerId,
        identity: { ...this.identityFor(api === 'pulluri' ? target : this.documentWithUri(uri ?? this.firstDocument.uri), api), ...identity },
      },
      variation,
    );
    if (request.keyhash) this.onSecret(request.keyhash, 'keyhash');
    for (const mac of request.secrets.filter((v) => v !== request.keyhash)) this.onSecret(mac, 'hmac');
    const url = api === 'pulluri' ? this.config.target.pullUri : this.config.target.pullDoc!;
    const raw = await this.client.send({ url, headers: request.headers, body: request.body });
    const r = raw.response;
    // a large body is read from its bytes: its base64 content never becomes a string
    const parsed = r ? (r.lazyText && r.utf8 ? readResponseBytes(api, r.bytes) : readResponse(api, r.text)) : undefined;
    return { api, label, ts: request.ts, txn: request.txn, raw, parsed, secretsSent: [...request.personal, ...request.secrets], request };
  }

  /** The plain, correctly signed request for the first document, shared by many checks. */
  baseline(api: PullApi): Promise<SentExchange> {
    return this.shared(`baseline:${api}`, () => this.send(api, 'baseline: valid request for the first configured document'));
  }

  /**
   * The plain search for documents[index] (the baseline for the first), shared by the checks that
   * judge every configured document.
   */
  documentSearch(index: number): Promise<SentExchange> {
    if (index === 0) return this.baseline('pulluri');
    const target = this.config.documents[index]!;
    return this.shared(`document:${index}`, () => this.send('pulluri', `valid request for documents[${index}]`, { target }));
  }

  /** A request that matches no document: the configured absent search, or an unissued URI. */
  absent(api: PullApi): Promise<SentExchange> {
    return this.shared(`absent:${api}`, () =>
      api === 'pulluri'
        ? this.send(api, 'search that matches no document', { target: this.config.absent, omit: OPT_IN_FIELDS })
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

  /**
   * Replays an existing request body (a spec example, a captured request): the request factory
   * re-signs it with the first configured document's values put in, every other byte kept
   * (protocol/replay.ts), and it is sent to the API its root names. `personal`: the body is an
   * issuer's captured traffic, so every value it held is registered with the redactor before
   * anything is recorded. `keepDocument`: the body's own DocDetails are sent.
   */
  async sendReplayed(label: string, original: string, options: { personal: boolean; keepDocument?: boolean }): Promise<{ exchange: SentExchange; replaced: Replaced[] } | { error: string }> {
    const read = readRequest(original).request;
    if (options.personal) {
      // every value but the document type (the issuer's own, not the citizen's): names, DOB, UID, search values, URI
      for (const [name, value] of read?.detailList ?? []) if (name !== 'DocType') this.onSecret(value, 'captured');
      for (const [name, written] of writtenDetailValues(original)) if (name !== 'DocType') this.onSecret(written, 'captured');
      if (read?.keyhashAttribute) this.onSecret(read.attrs[read.keyhashAttribute]!, 'keyhash');
    }
    if (!read) return { error: 'not a readable PullURIRequest or PullDocRequest' };
    const api = read.kind;
    const target = api === 'pulluri' ? this.firstDocument : this.documentWithUri(this.firstDocument.uri);
    const opted = this.identityFor(target, api);
    const owner = target.owner ?? {};
    const identity: Partial<Record<(typeof OPT_IN_FIELDS)[number], string>> = {};
    for (const name of OPT_IN_FIELDS) {
      // a field the example carries that the profile does not opt into still names the owner
      const value = opted[IDENTITY_KEY[name]] ?? (name === 'FullName' ? owner.fullName : name === 'DOB' ? owner.dob : undefined);
      if (value !== undefined) identity[name] = value;
    }
    const request = resignRequest({ hash: nodeHash, apiKey: this.apiKey, hmac: this.config.hmac }, original, {
      ts: tsLike(read.attrs.ts ?? '', new Date(), this.config.tsOffset),
      txn: txnLike(read.attrs.txn ?? '', this.random),
      orgId: this.config.orgId,
      docType: this.firstDocument.docType,
      search: Object.entries(this.firstDocument.search),
      uri: this.firstDocument.uri,
      digiLockerId: this.digiLockerId,
      identity,
      keepDocument: options.keepDocument,
    });
    if ('error' in request) return request;
    for (const secret of request.secrets) this.onSecret(secret, secret === request.keyhash ? 'keyhash' : 'hmac');
    const url = api === 'pulluri' ? this.config.target.pullUri : this.config.target.pullDoc;
    if (!url) return { error: 'the body is a PullDocRequest and target.pullDoc is not configured' };
    const raw = await this.client.send({ url, headers: request.headers, body: request.body });
    const r = raw.response;
    const parsed = r ? (r.lazyText && r.utf8 ? readResponseBytes(api, r.bytes) : readResponse(api, r.text)) : undefined;
    const exchange: SentExchange = { api, label, ts: request.ts, txn: request.txn, raw, parsed, secretsSent: [...request.personal, ...request.secrets], request };
    return { exchange, replaced: request.replaced };
  }
}
