/** Argument parsing on node:util parseArgs, with usage errors that say what to do. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { POLICIES, type Policy } from '../core/policy.js';

export class UsageError extends Error {}

export function parse<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T, command: string, allowPositionals = false) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (err) {
    throw new UsageError(`${(err as Error).message.replace(/\. To specify.*$/s, '')}\nSee: dlconform ${command} --help`);
  }
}

/** Repeatable, comma-separated list options (--only a,b --only c). */
export function list(value: string[] | string | undefined): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value])
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
}

export function integer(value: string | undefined, name: string, fallback?: number): number | undefined {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${name} must be a non-negative integer, got ${JSON.stringify(value)}`);
  return Number(value);
}

/** Runs a parser of user input; its error becomes a usage error (exit 2) with the same words. */
export function usageOnError<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** Extra outputs `--format` asks for (repeatable, comma-separated); the reports in --report-dir are always written. */
const OUTPUT_FORMATS = ['github'] as const;

export function outputFormats(value: string[] | undefined): { github: boolean } {
  const names = list(value);
  for (const name of names) {
    if (!(OUTPUT_FORMATS as readonly string[]).includes(name)) {
      throw new UsageError(`--format must be ${OUTPUT_FORMATS.join(', ')} (GitHub Actions annotations and a step summary, beside the usual reports), got ${JSON.stringify(name)}`);
    }
  }
  return { github: names.includes('github') };
}

/** `--policy` overrides the config's `policy` (core/policy.ts); unset keeps the config's. */
export function withPolicy<C extends { policy: Policy }>(config: C, value: string | undefined): C {
  if (value === undefined) return config;
  if (!(POLICIES as readonly string[]).includes(value)) throw new UsageError(`--policy must be ${POLICIES.join(' or ')}, got ${JSON.stringify(value)}`);
  return { ...config, policy: value as Policy };
}
