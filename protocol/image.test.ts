import { describe, expect, it } from 'vitest';
import { AADHAAR_PHOTO_JPEG } from './aadhaar-photo.js';
import { inspectBase64 } from './bytes.js';
import { imageKindNamed, imageKindOf, photoProblem } from './image.js';

const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
const TINY_JPEG = '/9j/4AAQSkZJRgABAQAAAQABAAD/2Q==';

describe('Photo content against its format', () => {
  it('magic bytes: JPEG FF D8 FF, PNG 89 50 4E 47 0D 0A 1A 0A', () => {
    expect(imageKindOf(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]))).toBe('JPEG');
    expect(imageKindOf(inspectBase64(PNG).bytes!)).toBe('PNG');
    expect(imageKindOf(new Uint8Array([0x25, 0x50, 0x44, 0x46]))).toBeUndefined();
  });

  it('format names: JPG and JPEG are one kind, trimmed and in any case (C20)', () => {
    expect(['JPG', 'JPEG', ' jpeg ', 'PNG', 'png'].map(imageKindNamed)).toEqual(['JPEG', 'JPEG', 'JPEG', 'PNG', 'PNG']);
    expect(imageKindNamed('GIF')).toBeUndefined();
  });

  it('a photo holding what its format names has no problem; another image, text or no format name say so', () => {
    expect(photoProblem('JPEG', TINY_JPEG)).toBeUndefined();
    expect(photoProblem('JPG', TINY_JPEG)).toBeUndefined();
    expect(photoProblem('PNG', PNG)).toBeUndefined();
    expect(photoProblem('JPEG', PNG)).toBe('format says JPEG, the decoded bytes are PNG');
    expect(photoProblem('PNG', 'JVBERi0xLjQK')).toBe('format says PNG, the decoded bytes are neither JPEG nor PNG');
    expect(photoProblem('jpeg', 'no photo.')).toMatch(/^the content is not base64/);
    // a format outside PNG/JPG/JPEG is person-attributes' finding
    expect(photoProblem('', 'no photo available')).toBeUndefined();
  });
});

describe('the realistic Aadhaar photo', () => {
  it('is a whole JPEG of 20–40 KB (SOI, a frame, EOI), over 32 KB as base64', () => {
    const bytes = inspectBase64(AADHAAR_PHOTO_JPEG).bytes!;
    expect(bytes.length).toBeGreaterThanOrEqual(20_000);
    expect(bytes.length).toBeLessThanOrEqual(40_000);
    expect(imageKindOf(bytes)).toBe('JPEG');
    expect([...bytes.subarray(-2)]).toEqual([0xff, 0xd9]);
    // a baseline frame (SOF0) marker: an image, not a bare header
    expect(bytes.some((b, i) => b === 0xff && bytes[i + 1] === 0xc0)).toBe(true);
    expect(AADHAAR_PHOTO_JPEG.length).toBeGreaterThan(32 * 1024);
  });
});
