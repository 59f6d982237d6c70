import { describe, expect, it } from 'vitest';
import { WatchTable, type WatchEvent } from '../../../src/zookeeper/watches.js';

const CREATED = 1;
const DELETED = 2;
const CHANGED = 3;
const CHILD = 4;
const SESSION = -1;

describe('WatchTable', () => {
  it('registers a path + kind once until its watch fires', () => {
    const table = new WatchTable();
    expect(table.arm('data', '/a')).toBe(true);
    expect(table.arm('data', '/a')).toBe(false);
    expect(table.arm('children', '/a')).toBe(true);
    table.watcher(CHANGED, 3, '/a');
    expect(table.isArmed('data', '/a')).toBe(false);
    expect(table.isArmed('children', '/a')).toBe(true);
    table.watcher(CHILD, 3, '/a');
    expect(table.armedCount).toBe(0);
  });

  it('ends both kinds on deletion', () => {
    const table = new WatchTable();
    table.arm('data', '/a');
    table.arm('children', '/a');
    table.watcher(DELETED, 3, '/a');
    expect(table.armedCount).toBe(0);
  });

  it('ignores session events (type -1): the watch stays armed across a reconnect', () => {
    const table = new WatchTable();
    const seen: WatchEvent[] = [];
    table.on((e) => seen.push(e));
    table.arm('data', '/a');
    table.watcher(SESSION, 1, '');
    table.watcher(SESSION, 3, '');
    expect(seen).toEqual([]);
    expect(table.isArmed('data', '/a')).toBe(true);
  });

  it('hands every event to its listeners, with one shared watcher function', () => {
    const table = new WatchTable();
    const seen: WatchEvent[] = [];
    const off = table.on((e) => seen.push(e));
    const watcher = table.watcher;
    watcher(CREATED, 3, '/x');
    watcher(CHILD, 3, '/y');
    off();
    watcher(CHANGED, 3, '/z');
    expect(seen).toEqual([
      { type: 'created', path: '/x' },
      { type: 'children', path: '/y' },
    ]);
    expect(table.watcher).toBe(watcher);
  });
});
