import { describe, expect, it } from 'vitest';
import {
  ZK_CODES,
  ZkError,
  isZkError,
  parseZkCode,
  toZkError,
  zkCodeName,
  zkTry,
} from '../../../src/zookeeper/errors.js';

describe('ZkError', () => {
  it.each([
    [-101, 'NONODE'],
    [-110, 'NODEEXISTS'],
    [-103, 'BADVERSION'],
    [-111, 'NOTEMPTY'],
    [-102, 'NOAUTH'],
    [-4, 'CONNECTIONLOSS'],
    [-112, 'SESSIONEXPIRED'],
    [-9, 'INVALIDSTATE'],
    [-999, 'UNKNOWN'],
  ])('names code %i %s', (code, name) => {
    expect(zkCodeName(code)).toBe(name);
  });

  it('parses the leading number of the binding messages', () => {
    expect(parseZkCode('-110 node exists')).toBe(-110);
    expect(parseZkCode('  -4 connection loss')).toBe(-4);
    expect(parseZkCode('node exists')).toBeUndefined();
  });

  it('turns a binding error into a typed error with code, name and path', () => {
    const err = toZkError(new Error('-110 node exists'), 'create', '/a');
    expect(err).toBeInstanceOf(ZkError);
    expect(err).toMatchObject({ code: -110, codeName: 'NODEEXISTS', path: '/a' });
    expect(err.message).toBe('create /a: NODEEXISTS (-110 node exists)');
    expect(isZkError(err, 'NODEEXISTS')).toBe(true);
    expect(isZkError(err, 'NONODE')).toBe(false);
    expect(isZkError(new Error('-110 node exists'), 'NODEEXISTS')).toBe(false);
  });

  it('keeps a code-less failure as SYSTEMERROR with its cause', () => {
    const cause = new TypeError('boom');
    const err = toZkError(cause, 'get', '/x');
    expect(err.code).toBe(ZK_CODES.SYSTEMERROR);
    expect(err.cause).toBe(cause);
  });

  it('builds errors from callback return codes', () => {
    expect(ZkError.fromRc(-101, 'no node', 'get', '/p').message).toBe('get /p: NONODE (-101 no node)');
  });

  it('offers errors as values', async () => {
    expect(await zkTry(Promise.resolve(1))).toEqual({ ok: true, value: 1 });
    const failed = await zkTry(Promise.reject(new Error('-103 bad version')));
    expect(failed.ok).toBe(false);
    expect(!failed.ok && failed.error.codeName).toBe('BADVERSION');
  });
});
