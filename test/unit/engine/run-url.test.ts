import { afterEach, describe, expect, it } from 'vitest';
import { lockHolder } from '../../../src/engine/apply-run.js';
import { MemoryRegistry } from '../../doubles/memory-registry.js';

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

describe('the CI run that applied', () => {
  it('is named in the lock holder from the GitHub Actions variables', () => {
    process.env.GITHUB_RUN_ID = '4242';
    process.env.GITHUB_REPOSITORY = 'acme/dashboards';
    process.env.GITHUB_SERVER_URL = 'https://github.example';
    process.env.GITHUB_ACTOR = 'octocat';
    expect(lockHolder()).toMatchObject({
      runUrl: 'https://github.example/acme/dashboards/actions/runs/4242',
      user: 'octocat',
    });
  });

  it('has no run URL outside CI', () => {
    delete process.env.GITHUB_RUN_ID;
    expect(lockHolder().runUrl).toBeUndefined();
  });

  it('is kept in history entries', async () => {
    const registry = new MemoryRegistry();
    const entry = {
      commit: 'abc',
      author: 'a',
      startedAt: 't0',
      finishedAt: 't1',
      created: 1,
      updated: 0,
      deleted: 0,
      failed: 0,
      result: 'success' as const,
    };
    await registry.appendHistory({
      ...entry,
      runUrl: 'https://github.example/acme/dashboards/actions/runs/1',
    });
    await registry.appendHistory(entry);
    const [newest, oldest] = await registry.readHistory();
    expect(oldest?.runUrl).toBe('https://github.example/acme/dashboards/actions/runs/1');
    expect(newest?.runUrl).toBeUndefined();
  });
});
