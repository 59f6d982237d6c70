import { SecretScreen } from '../../src/environment/screen.js';
import type { SecretBook } from '../../src/engine/secret-book.js';
import type { Services } from '../../src/engine/services.js';
import type { Registry } from '../../src/registry/registry.js';
import type { SupersetPort } from '../../src/superset/port.js';

/** A secret book for unit tests whose trees hold no secrets: no key, a registry "on loopback". */
export function noSecrets(overrides: Partial<SecretBook> = {}): SecretBook {
  return {
    key: undefined,
    screen: new SecretScreen(),
    loopback: true,
    knownValues: [],
    values: () => new Map(),
    digests: () => undefined,
    fields: () => [],
    ...overrides,
  };
}

/** Services over in-memory fakes of the two ports. */
export function fakeServices(port: SupersetPort, registry: Registry, secrets = noSecrets()): Services {
  return { port, registry, secrets, registryRoot: '/superset-gitops/test', close: () => Promise.resolve() };
}
