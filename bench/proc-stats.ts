/**
 * CPU attribution for a bench phase: how much of one core each process used (this process, the
 * load generator, the database server, Redis), read from /proc on Linux. It is the evidence for
 * "where did the time go" next to each figure. Missing /proc or a dead pid gives null, never a throw.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

let clockTicks: number | undefined;

function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    const r = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
    const n = Number(r.stdout?.trim());
    clockTicks = Number.isFinite(n) && n > 0 ? n : 100;
  }
  return clockTicks;
}

/** User + system CPU seconds of a process (all its threads), or null. */
export function cpuSecondsOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces; the fields after its closing ')' are fixed.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(rest[11]);
    const stime = Number(rest[12]);
    if (!Number.isFinite(utime) || !Number.isFinite(stime)) return null;
    return (utime + stime) / ticksPerSecond();
  } catch {
    return null;
  }
}

/**
 * CPU seconds of a process and its children: the live ones' own time plus what the exited ones
 * left in the parent's cutime/cstime (PostgreSQL: the postmaster and its backends). Or null.
 */
export function cpuSecondsOfTree(pid: number): number | null {
  const own = cpuSecondsOf(pid);
  if (own === null) return null;
  let total = own;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    total += (Number(rest[13]) + Number(rest[14])) / ticksPerSecond();
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const child = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const f = child.slice(child.lastIndexOf(')') + 2).split(' ');
        if (Number(f[1]) === pid) total += cpuSecondsOf(Number(entry)) ?? 0;
      } catch {
        /* gone meanwhile */
      }
    }
  } catch {
    /* keep what we have */
  }
  return total;
}

/** CPU seconds the whole machine spent busy (all cores; idle and iowait excluded), or null. */
export function machineBusySeconds(): number | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    const f = line.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal: steal is other VMs, guest is inside user.
    const busy = f[0]! + f[1]! + f[2]! + f[5]! + f[6]!;
    return Number.isFinite(busy) ? busy / ticksPerSecond() : null;
  } catch {
    return null;
  }
}

export type CpuShares = Record<string, number | null>;

/**
 * Adds `others`: machine-wide busy time not used by the processes named in `shares` (other
 * people's jobs on a shared machine, the kernel), so a noisy run is visible as such.
 */
export function withOthers(shares: CpuShares): CpuShares {
  const machine = shares.machine;
  if (machine === null || machine === undefined) return { ...shares, others: null };
  let known = 0;
  for (const [k, v] of Object.entries(shares)) if (k !== 'machine' && k !== 'others' && typeof v === 'number') known += v;
  return { ...shares, others: Math.max(0, Math.round((machine - known) * 10) / 10) };
}

/**
 * Measures, between `new` and `stop()`, each named process's CPU time as a percentage of one
 * core (so a 2-core machine tops out at 200 % in total). `self` is this process, `machine` the
 * whole machine; pass the result through `withOthers` once every process is in.
 */
export class CpuMeter {
  private t0 = performance.now();
  private self0 = process.cpuUsage();
  private machine0 = machineBusySeconds();
  private start: Map<string, number | null>;

  constructor(private pids: Record<string, number | undefined>) {
    this.start = new Map(Object.entries(pids).map(([name, pid]) => [name, pid ? cpuSecondsOf(pid) : null]));
  }

  /** Reads the end values; call before the measured process exits. */
  stop(): CpuShares {
    const wallS = (performance.now() - this.t0) / 1000;
    const self = process.cpuUsage(this.self0);
    const machine1 = machineBusySeconds();
    const out: CpuShares = {
      self: pct((self.user + self.system) / 1e6, wallS),
      machine: this.machine0 === null || machine1 === null ? null : pct(machine1 - this.machine0, wallS),
    };
    for (const [name, pid] of Object.entries(this.pids)) {
      const before = this.start.get(name);
      const after = pid ? cpuSecondsOf(pid) : null;
      out[name] = before === null || before === undefined || after === null ? null : pct(after - before, wallS);
    }
    return out;
  }
}

function pct(cpuS: number, wallS: number): number {
  return wallS > 0 ? Math.round((cpuS / wallS) * 1000) / 10 : 0;
}

/** The service pids bench.mjs passed on (absent when the services were not started by it). */
export function servicePids(): { db?: number; redis?: number; postgres?: number } {
  const n = (v: string | undefined) => (v && /^\d+$/.test(v) ? Number(v) : undefined);
  return { db: n(process.env.BENCH_MONGO_PID), redis: n(process.env.BENCH_REDIS_PID), postgres: n(process.env.BENCH_PG_PID) };
}
