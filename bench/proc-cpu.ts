// CPU time of the services and of this process's finished children, read from /proc (Linux), so a
// bench can say where the machine's cores went during a run: the CLI, ZooKeeper, Superset or
// PostgreSQL. Clock ticks are 10 ms; a run's figures are sums of many ticks.
import fs from 'node:fs';

/** The services, by the command name /proc gives their processes. */
const GROUPS: Record<string, string> = {
  java: 'ZooKeeper (java)',
  gunicorn: 'Superset (gunicorn)',
  postgres: 'PostgreSQL',
};

const TICK_MS = 10; // USER_HZ is 100 on Linux

interface ProcTimes {
  group: string;
  /** utime + stime + cutime + cstime: the process and its children it has waited for. */
  ticks: number;
}

export interface CpuSample {
  /** This process's waited-for children (a CLI run by spawnSync), in ticks. */
  children: number;
  procs: Map<number, ProcTimes>;
}

/** Fields of /proc/<pid>/stat after the command name, which may hold spaces and parentheses. */
function statFields(text: string): { comm: string; rest: string[] } | undefined {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  return {
    comm: text.slice(open + 1, close),
    rest: text
      .slice(close + 2)
      .trim()
      .split(/\s+/),
  };
}

/** utime, stime, cutime and cstime: fields 14 to 17, that is 11 to 14 after the command name. */
function times(rest: string[]): { own: number; waited: number } {
  const n = (i: number) => Number(rest[i] ?? 0);
  return { own: n(11) + n(12), waited: n(13) + n(14) };
}

export function sampleCpu(): CpuSample {
  const procs = new Map<number, ProcTimes>();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let text: string;
    try {
      text = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    const f = statFields(text);
    const group = f ? GROUPS[f.comm] : undefined;
    if (!f || !group) continue;
    const t = times(f.rest);
    procs.set(Number(name), { group, ticks: t.own + t.waited });
  }
  const self = statFields(fs.readFileSync('/proc/self/stat', 'utf8'));
  return { children: self ? times(self.rest).waited : 0, procs };
}

/**
 * Milliseconds of CPU each group used between two samples, and `the CLI` for the children this process
 * waited for meanwhile. A process that ended between the samples counts only through its parent's
 * waited-for time (PostgreSQL's backends, say); one that started counts whole.
 */
export function cpuBetween(before: CpuSample, after: CpuSample): Map<string, number> {
  const used = new Map<string, number>([['the CLI (node)', (after.children - before.children) * TICK_MS]]);
  for (const group of Object.values(GROUPS)) used.set(group, 0);
  for (const [pid, now] of after.procs) {
    const then = before.procs.get(pid);
    const ticks = now.ticks - (then?.group === now.group ? then.ticks : 0);
    used.set(now.group, (used.get(now.group) ?? 0) + ticks * TICK_MS);
  }
  return used;
}

/** Whether /proc can be read here (not on macOS, say): a bench then leaves the CPU view out. */
export function canSampleCpu(): boolean {
  return fs.existsSync('/proc/self/stat');
}
