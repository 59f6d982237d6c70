// Stands in for the `form-data` package inside the bundle (scripts/bundle.mjs): Node 20 has FormData
// built in, the client only ever sends a built-in FormData (which axios streams itself), and the
// package, with the MIME table it loads, cost about 10 ms of every start.
export default globalThis.FormData;
