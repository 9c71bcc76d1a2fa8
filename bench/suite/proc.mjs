// proc.mjs: running the measuring child (child.mjs) and native commands, with time limits.
//
// A child reports on fd 3 as JSON lines; `runChild` collects them and kills the child (SIGKILL:
// a wasm call in progress cannot be interrupted any other way) when its time is up or when
// `onEvent` returns 'kill'. Native commands are timed as whole processes; their peak RSS comes
// from GNU time (`/usr/bin/time -f %M`) when it is installed.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';

const CHILD = fileURLToPath(new URL('./child.mjs', import.meta.url));

export const median = (xs) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Runs one child job; resolves to { events, timedOut, killed, code, signal, stderr }. */
export const runChild = (job, opts) => startChild(job, opts).done;

/** The same, with a handle: { done, kill() } (kill() marks the result `killed`). */
export function startChild(job, { timeoutMs = 60_000, onEvent } = {}) {
  let handle;
  const done = new Promise((resolvePromise) => {
    const p = spawn(process.execPath, [CHILD, JSON.stringify(job)], { stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
    const events = [];
    let buf = '';
    let stderr = '';
    let timedOut = false;
    let killed = false;
    const kill = () => {
      if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, timeoutMs);
    p.stdio[3].on('data', (chunk) => {
      buf += chunk;
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        if (!line) continue;
        const ev = JSON.parse(line);
        events.push(ev);
        if (onEvent?.(ev) === 'kill') {
          killed = true;
          kill();
        }
      }
    });
    p.stdout.on('data', () => {}); // a library's own output: drained, not kept
    p.stderr.on('data', (c) => {
      stderr = (stderr + c).slice(-2000);
    });
    p.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ events, timedOut, killed, code, signal, stderr });
    });
    handle = () => {
      killed = true;
      kill();
    };
  });
  return { done, kill: () => handle() };
}

const GNU_TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;

/** Times a command as a whole process, runs sized to ~targetMs (at least 3, at most 30, no more
 *  than capMs in all). Returns { text, first, median, min, max, n, maxRSS_KiB?, error? }. */
export function timeCommand(cmd, args, { targetMs = 1000, capMs = 15000, maxBuffer = 1 << 28 } = {}) {
  const rssFile = join(tmpdir(), `pith-bench-rss-${process.pid}`);
  const once = () => {
    const a = performance.now();
    const r = GNU_TIME
      ? spawnSync(GNU_TIME, ['-f', '%M', '-o', rssFile, cmd, ...args], { maxBuffer, timeout: capMs * 2 })
      : spawnSync(cmd, args, { maxBuffer, timeout: capMs * 2 });
    const ms = performance.now() - a;
    let rss;
    if (GNU_TIME && existsSync(rssFile)) {
      rss = Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop());
      rmSync(rssFile, { force: true });
    }
    return { r, ms, rss };
  };
  const first = once();
  if (first.r.error || first.r.status !== 0) {
    return { error: { code: `exit ${first.r.status ?? first.r.signal ?? first.r.error?.code}`, message: String(first.r.stderr || first.r.error || '').slice(0, 300) } };
  }
  const samples = [];
  let rss = first.rss ?? 0;
  const start = performance.now();
  while (samples.length < 30 && !(performance.now() - start >= targetMs && samples.length >= 3) && performance.now() - start < capMs) {
    const o = once();
    samples.push(o.ms);
    rss = Math.max(rss, o.rss ?? 0);
  }
  if (!samples.length) samples.push(first.ms);
  return {
    text: first.r.stdout.toString('utf8'),
    first: first.ms,
    median: median(samples),
    min: Math.min(...samples),
    max: Math.max(...samples),
    n: samples.length,
    maxRSS_KiB: GNU_TIME ? rss : undefined,
  };
}
