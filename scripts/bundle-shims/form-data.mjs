// Stands in for the `form-data` package inside the bundle (scripts/bundle.mjs): Node 20 has FormData
// built in, the client only ever sends a built-in FormData (which axios streams itself), and the
// package, with the MIME table it loads, cost about 10 ms of every start.
//
// Node's FormData is reached only when this class is used, not when the bundle loads: the global is
// a lazy getter that loads Node's undici (fetch, streams), about 15 ms of a start that never needs it.
// `new FormData()` gives Node's own FormData, and Node's FormData objects are instances of this one.
export default class FormData {
  constructor() {
    return new globalThis.FormData();
  }

  static [Symbol.hasInstance](value) {
    return value instanceof globalThis.FormData;
  }
}
