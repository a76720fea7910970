/**
 * Finds where a JSON text stops being JSON. V8's own message quotes the text (which may hold
 * personal data) and often has no position, so config errors locate syntax errors with this.
 */

/** Line (1-based), column (1-based) and a plain reason for the first JSON syntax error in `text`. */
export function locateJsonError(text: string): { line: number; column: number; reason: string } | undefined {
  const offset = scanJson(text);
  if (!offset) return undefined;
  const before = text.slice(0, offset.at);
  const line = before.split('\n').length;
  const column = offset.at - (before.lastIndexOf('\n') + 1) + 1;
  return { line, column, reason: offset.reason };
}

class JsonSyntax {
  constructor(
    readonly at: number,
    readonly reason: string,
  ) {}
}

/** A strict JSON recogniser that stops at the first error; undefined when the text is valid. */
function scanJson(text: string): JsonSyntax | undefined {
  let i = 0;
  const fail = (reason: string): never => {
    throw new JsonSyntax(i, reason);
  };
  const unexpected = (): never => {
    const c = text[i];
    if (c === undefined) return fail('unexpected end of file');
    if (c === '/') return fail('comments are not allowed in JSON');
    if (c === "'") return fail('strings must use double quotes');
    return fail(`unexpected ${JSON.stringify(c)}`);
  };
  const space = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const literal = (word: string) => {
    for (const ch of word) {
      if (text[i] !== ch) unexpected();
      i++;
    }
  };
  const string = () => {
    i++; // opening quote
    for (;;) {
      const c = text[i];
      if (c === undefined) fail('unterminated string');
      if (c === '"') return void i++;
      if (c === '\\') {
        i++;
        if (text[i] === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail('bad \\u escape');
          i += 5;
        } else if ('"\\/bfnrt'.includes(text[i] ?? 'x')) i++;
        else fail('bad escape in string');
      } else if (c! < ' ') fail('control character in string (write newlines as \\n)');
      else i++;
    }
  };
  const number = () => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (!m) unexpected();
    i += m![0].length;
  };
  const value = (): void => {
    space();
    const c = text[i];
    if (c === '{') {
      object();
      return;
    }
    if (c === '[') {
      array();
      return;
    }
    if (c === '"') {
      string();
      return;
    }
    if (c === 't') {
      literal('true');
      return;
    }
    if (c === 'f') {
      literal('false');
      return;
    }
    if (c === 'n') {
      literal('null');
      return;
    }
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) {
      number();
      return;
    }
    unexpected();
  };
  const object = () => {
    i++;
    space();
    if (text[i] === '}') return void i++;
    for (;;) {
      space();
      if (text[i] === '}') fail('trailing comma before "}"');
      if (text[i] !== '"') unexpected();
      string();
      space();
      if (text[i] !== ':') fail('expected ":" after the property name');
      i++;
      value();
      space();
      if (text[i] === ',') i++;
      else if (text[i] === '}') return void i++;
      else if (text[i] === '"') fail('missing "," between properties');
      else unexpected();
    }
  };
  const array = () => {
    i++;
    space();
    if (text[i] === ']') return void i++;
    for (;;) {
      value();
      space();
      if (text[i] === ',') {
        i++;
        space();
        if (text[i] === ']') fail('trailing comma before "]"');
      } else if (text[i] === ']') return void i++;
      else unexpected();
    }
  };
  try {
    value();
    space();
    if (i < text.length) fail(`unexpected ${JSON.stringify(text[i])} after the end of the JSON value`);
    return undefined;
  } catch (err) {
    if (err instanceof JsonSyntax) return err;
    throw err;
  }
}
