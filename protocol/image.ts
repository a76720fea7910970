/**
 * What a Photo element's content is: the image type its decoded bytes announce by their magic
 * bytes, compared with the `format` attribute that names it (v1.13 8.1.4 #12–13: PNG, JPG or JPEG).
 */
import { inspectBase64, type Base64Text } from './bytes.js';

export type ImageKind = 'JPEG' | 'PNG';

const MAGIC: Record<ImageKind, readonly number[]> = {
  JPEG: [0xff, 0xd8, 0xff],
  PNG: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
};

/** The image type the bytes start with, when it is one a Photo may be. */
export function imageKindOf(bytes: Uint8Array): ImageKind | undefined {
  return (Object.keys(MAGIC) as ImageKind[]).find((kind) => MAGIC[kind].every((b, i) => bytes[i] === b));
}

/** The image type a Photo@format names (trimmed, any case: C20), when it is PNG, JPG or JPEG. */
export function imageKindNamed(format: string | undefined): ImageKind | undefined {
  const f = (format ?? '').trim().toUpperCase();
  if (f === 'PNG') return 'PNG';
  if (f === 'JPG' || f === 'JPEG') return 'JPEG';
  return undefined;
}

/**
 * Why a Photo's content does not hold the image its format names, or undefined when it does. A
 * format outside PNG/JPG/JPEG is pulluri.success.person-attributes' finding, not this one.
 */
export function photoProblem(format: string | undefined, content: Base64Text): string | undefined {
  const named = imageKindNamed(format);
  if (!named) return undefined;
  const decoded = inspectBase64(content);
  if (!decoded.valid || !decoded.bytes) return `the content is not base64 (${decoded.problem})`;
  const found = imageKindOf(decoded.bytes);
  if (found === named) return undefined;
  return `format says ${format?.trim()}, the decoded bytes are ${found ?? 'neither JPEG nor PNG'}`;
}
