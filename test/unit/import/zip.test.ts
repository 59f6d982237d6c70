import { describe, expect, it } from 'vitest';
import { readZip, writeZip } from '../../../src/import/zip.js';

const files = new Map([
  ['bundle/metadata.yaml', 'version: 1.0.0\ntype: assets\n'],
  ['bundle/charts/a.yaml', `slice_name: A\nparams:\n${'  x: 1\n'.repeat(200)}`],
  ['bundle/charts/ü.yaml', 'slice_name: "Ünïcode ✓"\n'],
]);

describe('writeZip', () => {
  it('deflates by default and stores when asked; both read back to the same files', () => {
    const deflated = writeZip(files);
    const stored = writeZip(files, { store: true });
    expect(readZip(deflated)).toEqual(files);
    expect(readZip(stored)).toEqual(files);
    const text = (zip: Uint8Array) => Buffer.from(zip).toString('utf8');
    // Stored: each file's bytes are in the archive as they are.
    expect(text(stored)).toContain(files.get('bundle/charts/a.yaml'));
    expect(text(deflated)).not.toContain(files.get('bundle/charts/a.yaml'));
    expect(stored.length).toBeGreaterThan(deflated.length);
  });
});
