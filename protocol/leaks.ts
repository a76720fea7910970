/**
 * What an error body must not show (OWASP ASVS V7.4.1, V7.1.1): stack traces and framework
 * internals of the common issuer stacks, and the API key in any form an issuer might print it.
 * The conformance checks, the fuzz invariants and the redactor use the same lists.
 */
import { base64Encode, toHex, utf8Encode } from './bytes.js';

export const STACK_TRACE_PATTERNS: readonly RegExp[] = [
  /\n\s+at [\w$.<>]+ ?\(?[^\n]*:\d+(:\d+)?\)?/, // Node / Java frames
  /Traceback \(most recent call last\)/, // Python
  /\bException in thread\b|\bjava\.lang\.\w+Exception\b|\bat [\w.$]+\([\w]+\.java:\d+\)/,
  /System\.[\w.]+Exception| {3}at [\w.]+\(.*\) in .*:line \d+/, // .NET
  /<b>(Fatal error|Warning)<\/b>:|Stack trace:\s*\n#0 /, // PHP
];

/** The first line of `text` that looks like part of a stack trace, or undefined. */
export function findStackTrace(text: string): string | undefined {
  for (const re of STACK_TRACE_PATTERNS) {
    const m = re.exec(text);
    if (m) return m[0].trim().split('\n')[0]!.slice(0, 160);
  }
  return undefined;
}

/**
 * The API key as an issuer might echo it: as it is, as hex of its UTF-8 bytes (how keys are often
 * generated and logged), and as base64 and base64url. Search and redact all of them.
 */
export function apiKeyForms(apiKey: string): string[] {
  const bytes = utf8Encode(apiKey);
  const base64 = base64Encode(bytes);
  const forms = [apiKey, toHex(bytes), base64, base64.replace(/=+$/, ''), base64.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')];
  return [...new Set(forms)];
}
