// The last line of defence: whatever the rules let through, a resolved secret value is never written
// to ZooKeeper, a plan, a report or a log. Writers pass their bytes through `check` and refuse to
// write what it flags.

/** Values shorter than this are not screened: they would match ordinary text everywhere. */
export const MIN_SCREENED_LENGTH = 6;

export class SecretLeakError extends Error {
  constructor(
    readonly where: string,
    readonly secretName: string,
    readonly form: string,
  ) {
    super(
      `Refused to write ${where}: it contains the value of ${secretName} (${form}). ` +
        'Secrets are read from the environment only to be sent to Superset; check that no variable, ' +
        'default or description repeats a secret value.',
    );
    this.name = 'SecretLeakError';
  }
}

/** The forms a secret can take in text: as it is, JSON-escaped, URL-encoded, base64. */
export function secretForms(value: string): { form: string; text: string }[] {
  const forms = [
    { form: 'as it is', text: value },
    { form: 'JSON-escaped', text: JSON.stringify(value).slice(1, -1) },
    { form: 'URL-encoded', text: encodeURIComponent(value) },
    { form: 'form-encoded', text: encodeURIComponent(value).replace(/%20/g, '+') },
    { form: 'base64', text: Buffer.from(value, 'utf8').toString('base64') },
    { form: 'base64url', text: Buffer.from(value, 'utf8').toString('base64url') },
  ];
  const seen = new Set<string>();
  return forms.filter((f) => !seen.has(f.text) && seen.add(f.text));
}

export class SecretScreen {
  readonly #entries: { name: string; form: string; text: string }[] = [];
  readonly #tooShort = new Set<string>();

  /** Registers a secret value under a name to report (the variable's name, never the value). */
  add(name: string, value: string): void {
    if (value === '') return;
    if (value.length < MIN_SCREENED_LENGTH) {
      this.#tooShort.add(name);
      return;
    }
    for (const f of secretForms(value)) {
      if (!this.#entries.some((e) => e.text === f.text)) this.#entries.push({ name, ...f });
    }
  }

  /** Names of secrets too short to screen (say so once; the value itself is never printed). */
  get tooShort(): string[] {
    return [...this.#tooShort];
  }

  get size(): number {
    return this.#entries.length;
  }

  /** The first secret found in `text`, or undefined. */
  find(text: string): { name: string; form: string } | undefined {
    for (const e of this.#entries) if (text.includes(e.text)) return { name: e.name, form: e.form };
    return undefined;
  }

  /** Throws SecretLeakError when `data` holds a secret. */
  check(data: string | Uint8Array, where: string): void {
    if (this.#entries.length === 0) return;
    const text = typeof data === 'string' ? data : Buffer.from(data).toString('utf8');
    const hit = this.find(text);
    if (hit) throw new SecretLeakError(where, hit.name, hit.form);
  }
}
