import { describe, expect, it } from 'vitest';
import { closest, pointerToPath } from './schema-errors.js';

describe('schema error helpers', () => {
  it('pointerToPath', () => {
    expect(pointerToPath('')).toBe('');
    expect(pointerToPath('/documents/0/search')).toBe('documents[0].search');
    expect(pointerToPath('/a~1b/c~0d')).toBe('a/b.c~d');
  });

  it('closest', () => {
    expect(closest('pulluri', ['pullUri', 'pullDoc'])).toBe('pullUri');
    expect(closest('pull_doc', ['pullUri', 'pullDoc'])).toBe('pullDoc');
    expect(closest('docTyp', ['docType', 'search'])).toBe('docType');
    expect(closest('zzz', ['docType', 'search'])).toBeUndefined();
  });
});
