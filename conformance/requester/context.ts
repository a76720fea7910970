/**
 * What the requester checks share in one run: the upload URL, the client that POSTs to it, the
 * document server that serves each doc_url, and the valid share, sent once and judged by
 * several checks (stored, and the premise of every refusal).
 */
import { randomBytes } from 'node:crypto';
import { readUploadAnswer, UPLOAD_CONTENT_TYPE, uploadBody, type UploadAnswer, type UploadField, type UploadFields } from '../../protocol/requester.js';
import type { RawExchange, TargetClient } from '../../core/client.js';
import type { DocumentServer, SharedKind } from './documents.js';

export interface Share {
  label: string;
  fields: UploadFields;
  raw: RawExchange;
  /** the answer the body says, when it says SUCCESS or FAILURE */
  answer?: UploadAnswer;
  /** requests for doc_url that reached the document server before the answer came */
  fetchesBeforeAnswer: number;
}

/** The doc_id the document's example gives a "Choose from DigiLocker" button (proof of identity). */
const DOC_ID = 'attachment_poi';

export class RequesterContext {
  private validShare: Promise<Share> | undefined;

  constructor(
    readonly uploadUrl: string,
    readonly client: TargetClient,
    private readonly documents: DocumentServer,
    /** a doc_url on a port that is closed */
    private readonly deadUrl: string,
  ) {}

  /** The valid share (every field, a PDF), sent once per run. */
  valid(): Promise<Share> {
    this.validShare ??= this.share('the valid share: user_ref, doc_id and the doc_url of a PDF', 'pdf');
    return this.validShare;
  }

  /** The valid share's fields sent again, as a user sharing the same document a second time. */
  async repeatValid(): Promise<Share> {
    const first = await this.valid();
    return this.send('the same user_ref, doc_id and doc_url shared a second time', first.fields, []);
  }

  /** A share of a fresh doc_url serving `kind` ('dead': a closed port), without the fields left out. */
  share(label: string, kind: SharedKind | 'dead', leaveOut: readonly UploadField[] = []): Promise<Share> {
    const fields: UploadFields = {
      user_ref: `dlconform-${randomBytes(8).toString('hex')}`,
      doc_id: DOC_ID,
      doc_url: kind === 'dead' ? this.deadUrl : this.documents.share(kind),
    };
    return this.send(label, fields, leaveOut);
  }

  private async send(label: string, fields: UploadFields, leaveOut: readonly UploadField[]): Promise<Share> {
    const before = this.documents.fetchesOf(fields.doc_url).count;
    const raw = await this.client.send({
      method: 'POST',
      url: this.uploadUrl,
      headers: { 'content-type': UPLOAD_CONTENT_TYPE, accept: 'text/plain, */*' },
      body: uploadBody(fields, leaveOut),
    });
    const fetchesBeforeAnswer = this.documents.fetchesOf(fields.doc_url).count - before;
    const answer = raw.response ? readUploadAnswer(raw.response.text) : undefined;
    return { label, fields, raw, ...(answer && { answer }), fetchesBeforeAnswer };
  }
}
