/**
 * `dlconform requester --upload-url URL`: judges a Requester's upload service (the
 * data-upload-url of a page embedding the DigiLocker Requestor widget) with the requester
 * checks, printing and writing the usual reports; `dlconform serve --requester`: the reference
 * upload service, with its faults.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Redactor } from '../core/redact.js';
import { progressLine, summaryTable } from '../core/report/console.js';
import { writeReports } from '../core/report/index.js';
import { EXIT } from '../core/types.js';
import { REQUESTER_CHECKS, runRequesterChecks } from '../conformance/index.js';
import { DEFAULT_MAX_DOCUMENT_BYTES } from '../protocol/requester.js';
import { parseRequesterFaults, REQUESTER_FAULTS, startRequesterService } from '../fixtures/requester/index.js';
import { integer, parse, UsageError, usageOnError, withPolicy } from './args.js';

const MIB = 1024 * 1024;

export const REQUESTER_HELP = `Usage: dlconform requester --upload-url URL [options]

Judges a Requester's upload service (SEED-001 Requester Specification, "Handling the response"):
the service the DigiLocker widget POSTs user_ref, doc_id and doc_url to (a form,
application/x-www-form-urlencoded), which must retrieve the document from doc_url, store it and
answer SUCCESS or FAILURE. dlconform serves each doc_url itself, from a listener it opens for the
run on --document-host (default 127.0.0.1): the service must be able to reach that address.
${REQUESTER_CHECKS.length} checks, about 8 requests, one at a time: a valid share (answered SUCCESS, with doc_url
fetched before the answer), a share without each required parameter, a doc_url on a closed port,
one serving an HTML page, one serving a body over the size limit (each answered FAILURE, never a
5xx or no answer), and the valid share again (answered SUCCESS). The URL must be https (plain
http warns, except on loopback).

Options:
      --upload-url URL       the upload service (required)
      --report-dir DIR       where reports go (default reports/<run id>)
      --timeout-ms N         per request to the service, answer included (default 10000)
      --max-document-mb N    the size limit judged (default ${DEFAULT_MAX_DOCUMENT_BYTES / MIB}); the oversized doc_url serves 1 MiB more
      --document-host ADDR   the address doc_url names and the document listener binds (default 127.0.0.1)
      --policy NAME          conformance (SHOULD warns, default) or strict (SHOULD blocks)
  -q, --quiet                no progress lines
  -h, --help                 this help

Exit codes: 0 every check passed or warned; 1 a check failed, errored or was inconclusive;
2 usage; 3 the service did not answer the valid share; 4 no check ran.
`;

export const SERVE_REQUESTER_HELP = `Usage: dlconform serve --requester [--port N] [--fault NAME] [--max-document-mb N]

The reference Requester upload service on 127.0.0.1 (POST /upload): reads user_ref, doc_id and
doc_url (form or JSON), retrieves doc_url (5 s, at most --max-document-mb, default ${DEFAULT_MAX_DOCUMENT_BYTES / MIB}), keeps it
when its first bytes are a PDF, JPEG or PNG, and answers SUCCESS or FAILURE as text/plain.

Options:
      --port N               port (default: a free one)
      --fault NAME           break one thing, repeatable: ${Object.keys(REQUESTER_FAULTS).join(', ')}
      --max-document-mb N    the size limit of a document
      --list-faults          list the faults and exit
  -h, --help                 this help
`;

function maxDocumentBytes(value: string | undefined): number {
  const mb = integer(value, 'max-document-mb', DEFAULT_MAX_DOCUMENT_BYTES / MIB)!;
  if (mb < 1) throw new UsageError('--max-document-mb must be at least 1');
  return mb * MIB;
}

export async function requesterCommand(argv: string[], out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const { values } = parse(
    argv,
    {
      'upload-url': { type: 'string' },
      'report-dir': { type: 'string' },
      'timeout-ms': { type: 'string' },
      'max-document-mb': { type: 'string' },
      'document-host': { type: 'string' },
      policy: { type: 'string' },
      quiet: { type: 'boolean', short: 'q' },
      help: { type: 'boolean', short: 'h' },
    },
    'requester',
  );
  if (values.help) {
    out.write(REQUESTER_HELP);
    return EXIT.ok;
  }
  const uploadUrl = values['upload-url'];
  if (!uploadUrl) throw new UsageError('requester needs --upload-url URL: the service the widget posts user_ref, doc_id and doc_url to (e.g. https://clientapp.gov.in/upload)');
  let url: URL;
  try {
    url = new URL(uploadUrl);
  } catch {
    throw new UsageError(`--upload-url ${JSON.stringify(uploadUrl)} is not a URL; give the full address, e.g. https://clientapp.gov.in/upload`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new UsageError(`--upload-url must be an https: (or http:) URL, got ${url.protocol}`);
  const timeoutMs = integer(values['timeout-ms'], 'timeout-ms', 10_000)!;
  if (timeoutMs < 1) throw new UsageError('--timeout-ms must be at least 1');
  const { policy } = withPolicy({ policy: 'conformance' as const }, values.policy);
  const tty = (out as { isTTY?: boolean }).isTTY === true;
  const { result, transcript } = await runRequesterChecks(uploadUrl, {
    timeoutMs,
    maxDocumentBytes: maxDocumentBytes(values['max-document-mb']),
    ...(values['document-host'] !== undefined && { documentHost: values['document-host'] }),
    policy,
    redactor: new Redactor(),
    onResult: values.quiet ? undefined : (r) => out.write(`${progressLine(r, { color: tty })}\n`),
  });
  const dir = values['report-dir'] ?? join('reports', result.runId);
  // the result and the transcript were redacted where their evidence was recorded
  await writeReports(result, dir);
  await writeFile(join(dir, 'transcript.jsonl'), `${transcript.map((t) => JSON.stringify(t)).join('\n')}\n`);
  out.write(`${summaryTable(result, { color: tty, reportDir: dir })}\n`);
  return result.exitCode;
}

export async function serveRequester(argv: string[]): Promise<number> {
  const { values } = parse(
    argv.filter((a) => a !== '--requester'),
    {
      port: { type: 'string' },
      fault: { type: 'string', multiple: true },
      'max-document-mb': { type: 'string' },
      'list-faults': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    'serve --requester',
  );
  if (values.help) {
    process.stdout.write(SERVE_REQUESTER_HELP);
    return EXIT.ok;
  }
  if (values['list-faults']) {
    for (const [name, description] of Object.entries(REQUESTER_FAULTS)) process.stdout.write(`${name.padEnd(26)} ${description}\n`);
    return EXIT.ok;
  }
  const faults = usageOnError(() => parseRequesterFaults(values.fault));
  const service = await startRequesterService({ port: integer(values.port, 'port', 0), faults, maxDocumentBytes: maxDocumentBytes(values['max-document-mb']) });
  // the URL on stdout alone, so a script can read it; the rest on stderr
  process.stdout.write(`${service.url}\n`);
  process.stderr.write(`reference Requester upload service${faults.length ? ` (faults: ${faults.join(', ')})` : ''} on ${service.url}\nCtrl-C stops it.\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await service.close();
  return EXIT.ok;
}
