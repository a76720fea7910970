/**
 * The waivers file the config names (`waivers`): YAML or JSON (YAML 1.2 reads JSON as well, and
 * gives both the same line and column positions), validated against waivers.schema.json. Every
 * problem is a ConfigError (exit 2) whose line names the waiver by its index and field, where it
 * is in the file, and what to write instead.
 */
import { readFile } from 'node:fs/promises';
import { type Document, isMap, isScalar, LineCounter, parseDocument } from 'yaml';
import schema from './waivers.schema.json' with { type: 'json' };
import { schemaChecker } from './schema-errors.js';
import { ConfigError, type ConfigIssue } from './types.js';

/** One waiver as written: exactly one of `check` (an exact check id) and `selector` (as --only takes). */
export interface Waiver {
  check?: string;
  selector?: string;
  reason: string;
  owner: string;
  /** the last day the waiver holds, YYYY-MM-DD, in UTC */
  expires: string;
}

const waiverIssues = schemaChecker(schema);

export async function loadWaivers(path: string): Promise<Waiver[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const problem =
      code === 'ENOENT'
        ? 'file not found; the config\'s "waivers" names it relative to the config file: fix the path or remove "waivers"'
        : code === 'EISDIR'
          ? 'is a directory; "waivers" in the config must name a waivers.yaml or waivers.json file'
          : `cannot be read (${code ?? String(err)})`;
    throw new ConfigError(path, [{ field: '', message: problem }], 'waivers');
  }
  return parseWaivers(text, path);
}

/** Parses and validates a waivers file's text; `sourceName` labels error messages. */
export function parseWaivers(text: string, sourceName: string): Waiver[] {
  const lines = new LineCounter();
  // a BOM from a Windows editor carries no meaning
  const doc = parseDocument(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, { lineCounter: lines });
  const syntax = doc.errors[0];
  if (syntax) {
    // the first error only: the ones after it follow from it; the message's first line, without the excerpt yaml adds
    const at = syntax.linePos?.[0];
    const reason = syntax.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    throw new ConfigError(sourceName, [{ field: '', message: `is not valid YAML or JSON (${at ? `line ${at.line}, column ${at.col}: ` : ''}${reason})` }], 'waivers');
  }
  const value: unknown = doc.toJS();
  const where = (field: string, at: 'key' | 'value' = 'value') => {
    // the field's value (or its key, for an unknown field), or its parent for a missing field: the closest place to look
    for (let path = pathOf(field); path.length > 0; path = path.slice(0, -1)) {
      const node = at === 'key' ? keyNode(doc, path) : (doc.getIn(path, true) as Ranged | undefined);
      if (node?.range) {
        const pos = lines.linePos(node.range[0]);
        return ` (line ${pos.line}, column ${pos.col})`;
      }
    }
    return '';
  };
  const issues: ConfigIssue[] = waiverIssues(value).map((i) => ({ field: i.field, message: `${i.message}${where(i.field, i.message.startsWith('unknown field') ? 'key' : 'value')}` }));
  if (issues.length === 0) {
    (value as { waivers: Waiver[] }).waivers.forEach((w, i) => {
      const field = `waivers[${i}]`;
      if ((w.check === undefined) === (w.selector === undefined)) {
        issues.push({
          field,
          message: `${w.check === undefined ? 'has neither check nor selector' : 'has both check and selector'}; give exactly one: check with an exact check id such as "pulluri.echo.txn", or selector as --only takes it${where(field)}`,
        });
      }
      if (!isCalendarDate(w.expires)) {
        issues.push({
          field: `${field}.expires`,
          message: `is not a calendar date (got "${w.expires}"); write the last day the waiver holds as YYYY-MM-DD, such as "2026-06-30"${where(`${field}.expires`)}`,
        });
      }
    });
  }
  if (issues.length > 0) throw new ConfigError(sourceName, issues, 'waivers');
  return (value as { waivers: Waiver[] }).waivers;
}

interface Ranged {
  range?: [number, number, number];
}

/** The key node of the last segment of `path`, where the map holds it. */
function keyNode(doc: Document, path: Array<string | number>): Ranged | undefined {
  const parent = doc.getIn(path.slice(0, -1), true);
  if (!isMap(parent)) return undefined;
  const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === path[path.length - 1]);
  return pair?.key as Ranged | undefined;
}

function isCalendarDate(text: string): boolean {
  const [y, m, d] = text.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** `waivers[1].expires` → ['waivers', 1, 'expires'], the path yaml's getIn takes. */
function pathOf(field: string): Array<string | number> {
  return field === '' ? [] : field.split(/\.|(?=\[)/).map((part) => (part.startsWith('[') ? Number(part.slice(1, -1)) : part));
}
