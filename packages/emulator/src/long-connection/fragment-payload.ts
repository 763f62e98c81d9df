/**
 * Cuts `bytes` into frames of at most `size` bytes; always at least one (an empty payload is one
 * empty fragment). Clients reassemble by the `seq` header (platform doc §5.2).
 */
export function fragmentPayload(bytes: Uint8Array, size: number): Uint8Array[] {
  if (bytes.length <= size) return [bytes];
  const parts: Uint8Array[] = [];
  for (let offset = 0; offset < bytes.length; offset += size) parts.push(bytes.subarray(offset, offset + size));
  return parts;
}
