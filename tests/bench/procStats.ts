import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat times (almost always 100 on Linux). */
const CLK_TCK = (() => {
  try {
    const n = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isFinite(n) && n > 0 ? n : 100;
  } catch {
    return 100;
  }
})();

/**
 * CPU seconds (user + system, all threads) a process has used so far, from /proc/<pid>/stat.
 * Fields after the parenthesised command name: state is field 3, utime 14, stime 15.
 */
export function readCpuSeconds(pid: number): number {
  return cpuSecondsOfStat(`/proc/${pid}/stat`);
}

/** CPU seconds of a process's main thread only (its other threads: GC helpers, libuv pool, loaders). */
export function readMainThreadCpuSeconds(pid: number): number {
  return cpuSecondsOfStat(`/proc/${pid}/task/${pid}/stat`);
}

function cpuSecondsOfStat(path: string): number {
  const stat = readFileSync(path, 'utf8');
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state), so field n is rest[n - 3].
  const utime = Number(rest[14 - 3]);
  const stime = Number(rest[15 - 3]);
  return (utime + stime) / CLK_TCK;
}

/** Resident set size of a process in bytes, from /proc/<pid>/status (VmRSS). */
export function readRssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!match) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]) * 1024;
}

/** CPU seconds (user + system) of this process, all threads included (the load generator). */
export function ownCpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** The whole machine's CPU so far (all cores, every process), from the first line of /proc/stat. */
export interface MachineCpu {
  /**
   * user + nice + system + irq + softirq + steal. Compared with the server's and the bench's own
   * CPU over a window, it shows how much other processes used meanwhile (a noise indicator).
   */
  busyS: number;
  /**
   * What the hypervisor has taken from this VM's cores (`steal`): time a vCPU wanted to run and
   * could not. A window with steal ran on a contended host, and the CPU times of its processes are
   * then less comparable with another window's.
   */
  stealS: number;
}

export function readMachineCpu(): MachineCpu {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
  const [, user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = line.trim().split(/\s+/).map(Number);
  return { busyS: (user + nice + system + irq + softirq + steal) / CLK_TCK, stealS: steal / CLK_TCK };
}
