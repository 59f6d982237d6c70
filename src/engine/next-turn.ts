/**
 * Resolves after one turn of the event loop (a macrotask), so that requests just started are on the
 * wire before the caller's synchronous work holds the loop.
 */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
