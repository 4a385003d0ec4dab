/**
 * A CPU burner for the membership soak, run as a child process (bench/cluster.ts starts one per core): a
 * busy loop that yields to its event loop every 50 ms only to hear `{ type: 'stop' }`, then answers
 * `{ type: 'burned', cpuMs }` — its own CPU time (user + system) since it said `{ type: 'ready' }` — and
 * exits. Real load, not a mock. It exits too when the harness goes away (the IPC channel closes).
 *
 * @module
 */
let stopping = false;
process.on('message', (m: { type?: string }) => {
  if (m?.type === 'stop') stopping = true;
});
process.on('disconnect', () => process.exit(0));

const before = process.cpuUsage();
let sink = 0;

function spin(): void {
  const until = performance.now() + 50;
  while (performance.now() < until) sink = Math.sqrt(sink + until);
  if (!stopping) {
    setImmediate(spin);
    return;
  }
  const used = process.cpuUsage(before);
  process.send?.({ type: 'burned', cpuMs: (used.user + used.system) / 1000, sink: Number.isFinite(sink) }, () => process.exit(0));
}

process.send?.({ type: 'ready' });
spin();
