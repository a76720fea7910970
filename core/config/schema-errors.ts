/**
 * JSON-schema validation of a config value (and of the files it names: the waivers), with every
 * ajv error turned into a message that names the field as a JSON path (`documents[0].search`) and
 * says what is expected, so a user can fix the file without reading the schema. Values of
 * personal fields (owner.*) and of apiKeyEnv are never echoed.
 */
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import schema from './config.schema.json' with { type: 'json' };
import type { ConfigIssue } from './types.js';

const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: true });

/** Fields whose values are personal data or may be a secret: their values are never echoed. */
const SENSITIVE_FIELD = /(^|\.)owner(\.|$)|^apiKeyEnv$/;

/** The URL pattern of the config's endpoints: its failure reads "must be an http(s) URL", not the regex. */
const URL_PATTERN = schema.properties.target.properties.pullUri.pattern;

/** A validator of values against `root` whose failures are ConfigIssues; `sensitive` fields' values are never echoed. */
export function schemaChecker(root: object, sensitive?: RegExp): (json: unknown) => ConfigIssue[] {
  const validate = ajv.compile(root);
  return (json) => {
    if (validate(json)) return [];
    const issues: ConfigIssue[] = [];
    const seen = new Set<string>();
    for (const error of validate.errors ?? []) {
      const issue = describe(error, root as SchemaNode, sensitive);
      if (!issue || seen.has(issue.field)) continue; // one message per field: the first is the most basic
      seen.add(issue.field);
      issues.push(issue);
    }
    return issues;
  };
}

export const schemaIssues = schemaChecker(schema, SENSITIVE_FIELD);

function describe(error: ErrorObject, root: SchemaNode, sensitive: RegExp | undefined): ConfigIssue | undefined {
  const base = pointerToPath(error.instancePath);
  const parent = (error.parentSchema ?? {}) as SchemaNode;
  const hint = hintOf(parent);
  const got = (f: string) => (sensitive?.test(f) ? '' : ` (got ${quote(error.data)})`);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    // the profile's conditional rules (profile apisetu): the failing rule inside reports the field
    case 'if':
      return undefined;
    case 'required': {
      const name = String(params.missingProperty);
      const field = join(base, name);
      return { field, message: `is required${withHint(hintOf(childSchema(root, parent, name)))}` };
    }
    case 'additionalProperties': {
      const name = String(params.additionalProperty);
      return { field: join(base, name), message: unknownFieldMessage(base, name, Object.keys(parent.properties ?? {})) };
    }
    case 'propertyNames': {
      const name = String(params.propertyName);
      const pattern = (parent.propertyNames as SchemaNode | undefined)?.pattern;
      return {
        field: `${base}.${name}`,
        message: `is not a valid XML element name: must match ${pattern}${withHint(hintOf(parent.propertyNames as SchemaNode))}`,
      };
    }
    case 'pattern':
      // propertyNames failures are reported once, by the propertyNames error above.
      if (error.schemaPath.includes('/propertyNames/')) return undefined;
      if (parent.pattern === URL_PATTERN) {
        return { field: base, message: `must be an http(s) URL${got(base)}${withHint(hint)}` };
      }
      return { field: base, message: `must match ${String(params.pattern)}${got(base)}${withHint(hint)}` };
    case 'type':
      return { field: base, message: `must be ${article(String(params.type))}${typeOf(error.data)}${withHint(hint)}` };
    case 'enum':
      return {
        field: base,
        message: `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}${got(base)}`,
      };
    case 'minLength':
      return { field: base, message: `must not be empty${withHint(hint)}` };
    case 'minItems':
      return { field: base, message: `must have at least ${String(params.limit)} item${params.limit === 1 ? '' : 's'}${withHint(hint)}` };
    case 'minProperties':
      return { field: base, message: `must have at least ${String(params.limit)} entr${params.limit === 1 ? 'y' : 'ies'}${withHint(hint)}` };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { field: base, message: `must be ${String(params.comparison)} ${String(params.limit)}${got(base)}${withHint(hint)}` };
    default:
      return { field: base, message: `${error.message ?? 'is invalid'}${withHint(hint)}` };
  }
}

interface SchemaNode {
  description?: string;
  pattern?: string;
  properties?: Record<string, SchemaNode>;
  propertyNames?: SchemaNode;
  $ref?: string;
  $defs?: Record<string, SchemaNode>;
}

/** A property's schema, following one local `$ref` so a missing `absent` gets its hint too. */
function childSchema(root: SchemaNode, parent: SchemaNode, name: string): SchemaNode | undefined {
  const child = parent.properties?.[name];
  if (child?.description || !child?.$ref) return child;
  const defName = child.$ref.replace('#/$defs/', '');
  return root.$defs?.[defName];
}

/** The first sentence of a schema description, written to read as a hint after a value. */
function hintOf(node: SchemaNode | undefined): string | undefined {
  const description = node?.description;
  if (!description) return undefined;
  const first = description.split(/\.(?:\s|$)/)[0]!;
  return first.charAt(0).toLowerCase() + first.slice(1);
}

function withHint(hint: string | undefined): string {
  return hint ? `; expected ${hint}` : '';
}

const UNKNOWN_FIELD_ADVICE: Record<string, string> = {
  apiKey: 'the API key must not be in the config file: put it in an environment variable and write that variable\'s name in "apiKeyEnv"',
  key: 'the API key must not be in the config file: put it in an environment variable and write that variable\'s name in "apiKeyEnv"',
};

function unknownFieldMessage(base: string, name: string, known: string[]): string {
  if (base === '' && UNKNOWN_FIELD_ADVICE[name]) return `unknown field: ${UNKNOWN_FIELD_ADVICE[name]}`;
  const suggestion = closest(name, known);
  if (suggestion) return `unknown field (did you mean "${suggestion}"?)`;
  return `unknown field (known fields here: ${known.join(', ')})`;
}

/** The known name a typo most likely meant: equal ignoring case, a prefix, or a small edit distance. */
export function closest(name: string, known: readonly string[]): string | undefined {
  const lower = name.toLowerCase().replace(/[-_]/g, '');
  let best: string | undefined;
  let bestScore = Infinity;
  for (const candidate of known) {
    const c = candidate.toLowerCase();
    const score = c === lower ? 0 : c.startsWith(lower) && lower.length >= 3 ? 1 : editDistance(lower, c);
    if (score < bestScore) {
      bestScore = score;
      best = candidate;
    }
  }
  const allowed = Math.max(1, Math.floor(name.length / 3));
  return bestScore <= allowed ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
    }
    prev = row;
  }
  return prev[b.length]!;
}

/** `/documents/0/search` → `documents[0].search` */
export function pointerToPath(pointer: string): string {
  let path = '';
  for (const raw of pointer.split('/').slice(1)) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    path += /^\d+$/.test(part) ? `[${part}]` : path === '' ? part : `.${part}`;
  }
  return path;
}

function join(base: string, name: string): string {
  return base === '' ? name : `${base}.${name}`;
}

function article(type: string): string {
  const names: Record<string, string> = {
    string: 'a string',
    integer: 'an integer',
    number: 'a number',
    boolean: 'true or false',
    object: 'an object {…}',
    array: 'a list […]',
  };
  return names[type] ?? type;
}

function typeOf(value: unknown): string {
  const t = value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'an object' : `a ${typeof value}`;
  return ` (got ${t})`;
}

export function quote(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}
