import { describe, expect, it } from 'vitest';
import { locateJsonError } from './json-locator.js';

describe('locateJsonError', () => {
  it.each([
    ['{"a": }', 1, 7, 'unexpected "}"'],
    ['{"a": 1', 1, 8, 'unexpected end of file'],
    ['{\n "a": 1\n "b": 2}', 3, 2, 'missing "," between properties'],
    ['// c\n{}', 1, 1, 'comments are not allowed in JSON'],
    ["{'a':1}", 1, 2, 'strings must use double quotes'],
    ['{"a": tru}', 1, 10, 'unexpected "}"'],
    ['[1,]', 1, 4, 'trailing comma before "]"'],
    ['{} x', 1, 4, 'unexpected "x" after the end of the JSON value'],
    ['{"a":"x\ny"}', 1, 8, 'control character in string (write newlines as \\n)'],
  ])('%j → %i:%i %s', (text, line, column, reason) => {
    expect(() => JSON.parse(text)).toThrow();
    expect(locateJsonError(text)).toEqual({ line, column, reason });
  });

  it('accepts what JSON.parse accepts', () => {
    for (const text of ['{}', '[]', '"x"', '-1.5e3', '{"a":[true,false,null,{"b":"\\u00e9\\n"}]}', ' \n {"a" : 1 } \n']) {
      expect(locateJsonError(text)).toBeUndefined();
    }
  });
});
