/**
 * What an error body must not show (OWASP ASVS V7.4.1): stack traces and framework internals of
 * the common issuer stacks. The conformance check security.no-stack-trace and the fuzz invariant
 * fuzz.no-stack-trace judge with the same patterns.
 */

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
