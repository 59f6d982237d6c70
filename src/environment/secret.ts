import { inspect } from 'node:util';

/**
 * A secret read from the environment. It prints as `[redacted]` through String(), JSON and
 * util.inspect, so logging an object that holds one cannot leak it; `reveal()` is the one way in.
 */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  get isEmpty(): boolean {
    return this.#value === '';
  }
  toString(): string {
    return '[redacted]';
  }
  toJSON(): string {
    return '[redacted]';
  }
  [inspect.custom](): string {
    return '[redacted]';
  }
}
