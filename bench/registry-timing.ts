// Wall time of every registry (ZooKeeper) operation, summed per operation: a Proxy around a Registry.
import type { Registry } from '../src/registry/registry.js';

export type OperationTimes = Map<string, { n: number; ms: number }>;

export function timeRegistry(registry: Registry, times: OperationTimes): Registry {
  return new Proxy(registry, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      const fn = value as (...a: unknown[]) => Promise<unknown>;
      return async (...args: unknown[]) => {
        const started = performance.now();
        try {
          return await fn.apply(target, args);
        } finally {
          const t = times.get(String(prop)) ?? { n: 0, ms: 0 };
          times.set(String(prop), { n: t.n + 1, ms: t.ms + performance.now() - started });
        }
      };
    },
  });
}
