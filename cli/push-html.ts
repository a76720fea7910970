/**
 * report.html of `dlconform report push --report-dir DIR`: what the mock DigiLocker received, in
 * the look of the conformance report. Every upload with its answer, findings and URIs (Aadhaar
 * masked by the mock when it stored them), what the client did when answers were lost, and the
 * cross-API consistency verdict per pushed URI. The consistency exchanges are not shown: they
 * were never passed through the redactor, so they stay out of a file meant to be shared.
 */
import { escapeHtml, htmlDocument } from '../core/report/html.js';
import { TOOL_VERSION } from '../core/version.js';
import type { StoredFinding, StoredPushedUri, StoredUpload } from '../fixtures/digilocker/db.js';
import { formatRetrySummary, type RetrySummary, type UploadRetries } from '../fixtures/digilocker/retries.js';

export interface PushReport {
  db: string;
  generatedAt: string;
  uploads: Array<StoredUpload & { findings: StoredFinding[]; uris: StoredPushedUri[]; retry: Omit<UploadRetries, 'finding'> }>;
  acceptedUris: string[];
  retries: RetrySummary;
  consistency?: {
    ok: boolean;
    unpullable: string[];
    items: Array<{ uri: string; pullUri: string; pullDoc: string; sameContent?: boolean; judged: boolean; ok: boolean; problems: string[] }>;
  };
  exitCode: number;
}

/** Rows listed per upload; the rest are counted (the SQLite file has them all). */
const MAX_ROWS = 200;

const SEVERITY_BADGE = { error: 'v-fail', warning: 'v-warn', info: 'v-skip' } as const;

function table(caption: string, head: string[], rows: string[][]): string {
  return (
    `<div class="scroll"><table><caption class="text">${escapeHtml(caption)}</caption>` +
    `<thead><tr>${head.map((h) => `<th scope="col" class="text">${escapeHtml(h)}</th>`).join('')}</tr></thead>` +
    `<tbody>${rows.map((r) => `<tr>${r.map((c) => `<td class="text">${c}</td>`).join('')}</tr>`).join('')}</tbody></table></div>`
  );
}

function uploadBlock(u: PushReport['uploads'][number]): string {
  const accepted = u.status === '1';
  const errors = u.findings.filter((f) => f.severity === 'error').length;
  const kind = u.kind === 'csv' ? 'Push CSV' : 'Push URI';
  const out = [
    `<details class="check v-${accepted ? 'pass' : 'fail'}" id="upload-${u.id}"${accepted && errors === 0 ? '' : ' open'}>`,
    `<summary><span class="badge v-${accepted ? 'pass' : 'fail'}">${accepted ? 'ACCEPTED' : 'REJECTED'}</span> <code>#${u.id}</code> <span class="title">${kind}${u.fileName ? ` ${escapeHtml(u.fileName)}` : ''}: ${u.rows} rows, ${u.findings.length} finding${u.findings.length === 1 ? '' : 's'}</span> <a class="anchor" href="#upload-${u.id}" aria-label="Link to upload ${u.id}">#</a></summary>`,
    '<div class="body">',
    `<p class="message">ResponseStatus ${escapeHtml(u.status)}: ${escapeHtml(u.message)}${u.answeredWith ? ` (answered with fault ${escapeHtml(u.answeredWith)})` : ''}</p>`,
    `<dl class="ea"><dt>Received</dt><dd><time>${escapeHtml(u.receivedAt)}</time></dd><dt>txn</dt><dd><code>${escapeHtml(u.txn)}</code></dd><dt>ts</dt><dd><code>${escapeHtml(u.ts)}</code></dd><dt>orgId</dt><dd><code>${escapeHtml(u.orgId)}</code></dd><dt>Body</dt><dd>${u.bodyBytes} bytes</dd></dl>`,
  ];
  if (u.retry.attempts > 1 || u.retry.answerLost)
    out.push(
      `<p class="notice${u.retry.answerLost ? ' bad' : ''}">Attempts: ${u.retry.attempts} (${u.retry.retries} retr${u.retry.retries === 1 ? 'y' : 'ies'}, ${u.retry.newTxnRetries} with a new txn): ${escapeHtml(u.retry.answers.join(', '))}.</p>`,
    );
  if (u.findings.length > 0) {
    const rows = u.findings
      .slice(0, MAX_ROWS)
      .map((f) => [
        f.line === 0 ? 'upload' : f.column === 0 ? `line ${f.line}` : `${f.line}:${f.column}`,
        `<span class="badge ${SEVERITY_BADGE[f.severity]}">${escapeHtml(f.severity)}</span>`,
        `<code>${escapeHtml(f.code)}</code>`,
        `<code>${escapeHtml(f.clause)}</code>`,
        escapeHtml(f.message),
      ]);
    out.push(table(`Findings${u.findings.length > MAX_ROWS ? ` (first ${MAX_ROWS} of ${u.findings.length})` : ''}`, ['where', 'severity', 'rule', 'clause', 'message'], rows));
  }
  if (u.uris.length > 0) {
    const rows = u.uris
      .slice(0, MAX_ROWS)
      .map((x) => [
        String(x.line),
        `<code>${escapeHtml(x.uri)}</code>`,
        escapeHtml(x.docType),
        escapeHtml(x.action),
        `<code>${escapeHtml(x.aadhaar)}</code>`,
        x.accepted ? 'accepted' : '<strong>rejected</strong>',
      ]);
    out.push(table(`URIs${u.uris.length > MAX_ROWS ? ` (first ${MAX_ROWS} of ${u.uris.length})` : ''}`, ['line', 'URI', 'DocType', 'action', 'Aadhaar (masked)', 'result'], rows));
  }
  out.push('</div>', '</details>');
  return out.join('\n');
}

export function renderPushHtml(r: PushReport): string {
  const ok = r.exitCode === 0;
  const rejected = r.uploads.filter((u) => u.status !== '1').length;
  const out = [
    `<header class="banner v-${ok ? 'pass' : 'fail'}">`,
    `<h1>dlconform report push: ${ok ? 'PASS' : 'FAIL'}</h1>`,
    `<p>Exit code <strong>${r.exitCode}</strong>: ${ok ? 'every upload accepted' : 'an upload was rejected (ResponseStatus 0)'}${r.consistency ? (r.consistency.ok ? ' and every pushed URI is pullable' : '; a pushed URI is not pullable') : ''}.</p>`,
    '</header>',
    `<dl class="meta"><dt>Database</dt><dd><code>${escapeHtml(r.db)}</code></dd><dt>Tool</dt><dd>dlconform ${escapeHtml(TOOL_VERSION)}</dd><dt>Written</dt><dd><time>${escapeHtml(r.generatedAt)}</time></dd></dl>`,
    '<h2 id="counts">Counts</h2>',
    `<p>${r.uploads.length} upload${r.uploads.length === 1 ? '' : 's'}: ${r.uploads.length - rejected} accepted, ${rejected} rejected; ${r.acceptedUris.length} distinct URIs added.</p>`,
    `<p>${escapeHtml(formatRetrySummary(r.retries))}.</p>`,
    '<h2 id="uploads">Uploads</h2>',
    ...r.uploads.map(uploadBlock),
  ];
  if (r.uploads.length === 0) out.push('<p class="notice bad">The mock received no upload.</p>');
  if (r.consistency) {
    const c = r.consistency;
    out.push(
      '<h2 id="consistency">Cross-API consistency</h2>',
      `<p class="notice ${c.ok ? 'good' : 'bad'}">${c.ok ? 'Every pushed URI is pullable.' : `${c.unpullable.length} pushed URI${c.unpullable.length === 1 ? ' is' : 's are'} not pullable.`}</p>`,
    );
    const rows = c.items.map((i) => [
      `<code>${escapeHtml(i.uri)}</code>`,
      escapeHtml(i.pullUri),
      escapeHtml(i.pullDoc),
      i.sameContent === undefined ? '–' : i.sameContent ? 'yes' : '<strong>no</strong>',
      `<span class="badge v-${i.ok ? 'pass' : 'fail'}">${i.ok ? 'PASS' : 'FAIL'}</span>`,
      escapeHtml(i.problems.join('; ')),
    ]);
    out.push(table('Each pushed URI pulled back', ['URI', 'Pull URI', 'Pull Doc', 'same content', 'result', 'problems'], rows));
  }
  return htmlDocument(`dlconform report push: ${ok ? 'PASS' : 'FAIL'}`, out.join('\n'));
}
