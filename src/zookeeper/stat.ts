import type { RawStat } from './binding.js';

/** Node metadata with plain types: times in ms since the epoch. */
export interface ZkStat {
  version: number;
  cversion: number;
  aversion: number;
  ctime: number;
  mtime: number;
  czxid: number;
  mzxid: number;
  /** Session id in hex; "0" for a persistent node. */
  ephemeralOwner: string;
  numChildren: number;
  dataLength: number;
}

export function toStat(raw: RawStat): ZkStat {
  return {
    version: raw.version,
    cversion: raw.cversion,
    aversion: raw.aversion,
    ctime: timeOf(raw.ctime),
    mtime: timeOf(raw.mtime),
    czxid: raw.czxid,
    mzxid: raw.mzxid,
    ephemeralOwner: String(raw.ephemeralOwner),
    numChildren: raw.numChildren,
    dataLength: raw.dataLength,
  };
}

function timeOf(value: Date | number): number {
  return value instanceof Date ? value.getTime() : Number(value);
}
