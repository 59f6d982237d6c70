// Object names become znode names. Names may hold spaces, slashes, dots, any unicode; ZooKeeper
// forbids "/" inside a name, the names "." and "..", and several unicode ranges. We keep
// [A-Za-z0-9_-] and percent-encode every other UTF-8 byte (dots too, so "." and ".." cannot occur),
// which is reversible and stays printable in zkCli. The empty string becomes a lone "%".

/** A name of safe characters only (a uuid, a kind) is its own encoding: no per-character work. */
const ALL_SAFE = /^[A-Za-z0-9_-]+$/;
/** One decoder for every call: making one per name cost more than the rest of the decoding. */
const UTF8 = new TextDecoder('utf-8', { fatal: true });
/**
 * What each UTF-8 byte becomes: a safe character is itself, any other byte `%XX`. The safe characters
 * are ASCII, and no byte of a character beyond ASCII is, so encoding byte by byte is encoding each
 * character's bytes.
 */
const BYTE = Array.from({ length: 256 }, (_, b) => {
  const ch = String.fromCharCode(b);
  return ALL_SAFE.test(ch) ? ch : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
});

export function encodeName(name: string): string {
  if (name === '') return '%';
  if (ALL_SAFE.test(name)) return name;
  // A lone UTF-16 surrogate has no UTF-8 form: it would come back as U+FFFD, another name.
  if (/\p{Cs}/u.test(name)) throw new Error(`name is not well-formed unicode: ${JSON.stringify(name)}`);
  let out = '';
  for (const byte of Buffer.from(name, 'utf8')) out += BYTE[byte]!;
  return out;
}

/** Inverse of encodeName; throws on anything encodeName cannot have produced. */
export function decodeName(encoded: string): string {
  if (encoded === '%') return '';
  if (ALL_SAFE.test(encoded)) return encoded;
  if (!/^(?:[A-Za-z0-9_-]|%[0-9A-F]{2})+$/.test(encoded)) {
    throw new Error(`not an encoded name: ${JSON.stringify(encoded)}`);
  }
  const bytes: number[] = [];
  for (let i = 0; i < encoded.length;) {
    if (encoded[i] === '%') {
      bytes.push(parseInt(encoded.slice(i + 1, i + 3), 16));
      i += 3;
    } else {
      bytes.push(encoded.charCodeAt(i));
      i += 1;
    }
  }
  let text: string;
  try {
    text = UTF8.decode(Uint8Array.from(bytes));
  } catch {
    throw new Error(`not an encoded name (bytes are not UTF-8): ${JSON.stringify(encoded)}`);
  }
  if (encodeName(text) !== encoded) throw new Error(`not an encoded name: ${JSON.stringify(encoded)}`);
  return text;
}
