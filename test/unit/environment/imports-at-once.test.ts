// `superset.imports_at_once`: how many imports of a large create go to Superset side by side.
import { describe, expect, it } from 'vitest';
import { resolveEnvironment } from '../../../src/environment/resolve.js';
import type { EnvironmentSpec } from '../../../src/schema/index.js';
import { BASE_TREE, validateWith } from '../../helpers/tree.js';

const spec = (importsAtOnce?: number): EnvironmentSpec => ({
  kind: 'environment',
  name: 'demo',
  superset: {
    url: 'http://127.0.0.1:8088',
    username: 'admin',
    password: '${env.DEMO_ADMIN_PW:-admin}',
    ...(importsAtOnce === undefined ? {} : { imports_at_once: importsAtOnce }),
  },
  zookeeper: { connect: '127.0.0.1:2181', root: '/superset-gitops/demo' },
});

describe('superset.imports_at_once', () => {
  it.each([
    [undefined, 2],
    [1, 1],
    [8, 8],
  ])('given %s, sends %i at once', (given, expected) => {
    expect(resolveEnvironment(spec(given), {}, '/p').superset.importsAtOnce).toBe(expected);
  });

  it.each(['0', '9', '1.5', 'two'])('refuses %s at its line', (value) => {
    const yaml = (BASE_TREE['environments/local.yaml'] as string).replace(
      '  password: ${env.SUPERSET_PASSWORD:-admin}\n',
      `  password: \${env.SUPERSET_PASSWORD:-admin}\n  imports_at_once: ${value}\n`,
    );
    expect(yaml).toContain('imports_at_once');
    const { problems } = validateWith({ 'environments/local.yaml': yaml });
    const mine = problems.filter((p) => p.file === 'environments/local.yaml');
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ line: 7, path: 'superset.imports_at_once' });
  });
});
