/**
 * `npm start` — the main job on one machine: the embedded Temporal dev server (SQLite file, Web UI on
 * :8233), node workers as separate processes (node-a, node-b), and a few example agents that receive
 * signals. Prints the agents and where to see them in the Web UI, then runs until Ctrl-C, when it stops
 * everything it started.
 *
 *     npm start
 *     npm start -- --port 7233 --ui-port 8233 --db .temporal/agent-cluster.sqlite --nodes 2
 *     npm start -- --no-demo        servers and nodes only
 *
 * The SQLite file persists agents between runs: start again and the same agents are found running, with
 * the state they had (starting an agent is idempotent).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { CLUSTER_IDS, CLUSTER_KINDS, isLive, type MembershipState } from '../src/cluster/index.js';
import { accumulatorAgent, exampleKinds, probeAgent, type AccumulatorState, type ProbeState } from '../src/examples/index.js';
import { isAgentClusterError } from '../src/errors.js';
import { AgentClient } from '../src/client/agent-client.js';
import { bundleWorkflowsToFile } from '../src/infra/bundle.js';
import { startDevServer, type DevServer } from '../src/infra/dev-server.js';
import { spawnNodeProcess, type NodeProcess } from '../src/infra/node-process.js';
import { waitFor } from '../src/infra/wait.js';
import { WORKFLOWS_PATH } from '../workers/node-worker.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const say = (line = ''): void => void process.stdout.write(`${line}\n`);

function options() {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '7233' },
      'ui-port': { type: 'string', default: '8233' },
      db: { type: 'string', default: path.join(ROOT, '.temporal', 'agent-cluster.sqlite') },
      nodes: { type: 'string', default: '2' },
      'no-demo': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const int = (name: string, v: string, min: number, max: number): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} must be an integer in [${min}, ${max}] (got "${v}")`);
    return n;
  };
  return {
    help: values.help,
    port: int('port', values.port, 1, 65535),
    uiPort: int('ui-port', values['ui-port'], 1, 65535),
    db: path.resolve(values.db),
    nodes: int('nodes', values.nodes, 1, 26),
    demo: !values['no-demo'],
  };
}

/** The membership as cluster/node-discovery holds it, once every node started here is up. */
async function showMembership(agents: AgentClient, nodes: readonly NodeProcess[]): Promise<void> {
  const topology = (): Promise<MembershipState> => agents.state<MembershipState>(CLUSTER_IDS.nodeDiscovery);
  await waitFor(
    async () => {
      const s = await topology();
      // Past joining: up, or quarantined if the machine is saturated (the nodes report their real load).
      return nodes.every((n) => {
        const r = s.nodes[n.nodeId];
        return r !== undefined && r.incarnation === n.incarnations.at(-1) && r.status !== 'joining' && isLive(r.status);
      });
    },
    { what: 'every node past joining in cluster/node-discovery', intervalMs: 200, timeoutMs: 60_000 },
  );
  const s = await topology();
  say('\nCluster membership (agent cluster/node-discovery; failure detection by lease, development preset):');
  console.table(
    Object.values(s.nodes).map((r) => ({
      node: r.nodeId,
      incarnation: r.incarnation,
      status: r.status,
      cpus: r.info.capacity.cpus,
      'last load': r.lastLoad === undefined ? '-' : `cpu=${r.lastLoad.cpu.toFixed(2)} mem=${r.lastLoad.memory.toFixed(2)} agents=${r.lastLoad.hostedAgents}`,
    })),
  );
}

/** Starts the example agents, sends them signals, prints what they hold. */
async function demo(agents: AgentClient, nodeIds: string[]): Promise<void> {
  const first = nodeIds[0] as string;
  const second = nodeIds[1] ?? first;
  const refs = [
    await agents.startAgent(accumulatorAgent, 'demo-acc-1', { node: first }),
    await agents.startAgent(accumulatorAgent, 'demo-acc-2', { node: second }),
    ...(await Promise.all(nodeIds.map((n) => agents.startAgent(probeAgent, `probe-${n}`, { node: n })))),
  ];
  const before = await agents.info('demo-acc-2');
  await agents.sendBatch('demo-acc-1', [1, 2, 3, 4].map((amount) => ({ type: 'accumulator.add', data: { amount } })));
  await agents.send('demo-acc-1', { type: 'accumulator.forward', data: { to: 'demo-acc-2', amount: 10 } });
  const total = await agents.call(accumulatorAgent, 'demo-acc-2', 'accumulator.add', { amount: 5 });
  for (const n of nodeIds) await agents.send(`probe-${n}`, { type: 'probe.measure' });
  await waitFor(async () => (await agents.info('demo-acc-2')).signalsApplied >= before.signalsApplied + 2, { what: 'demo-acc-2 to apply its signals' });
  await waitFor(async () => (await Promise.all(nodeIds.map((n) => agents.state<ProbeState>(`probe-${n}`)))).every((s) => s.samples.length > 0), { what: 'the probes’ first samples' });

  say(`demo-acc-2 replied to a jido.call with total ${total}.`);
  const rows = [];
  for (const ref of refs) {
    const info = await agents.info(ref.agentId);
    const state = await agents.state<AccumulatorState | ProbeState>(ref.agentId);
    const summary =
      'total' in state
        ? `total=${state.total} count=${state.count}`
        : `last sample: cpu=${state.samples.at(-1)?.cpu.toFixed(2)} mem=${state.samples.at(-1)?.memory.toFixed(2)} on ${state.samples.at(-1)?.nodeId}`;
    rows.push({ agent: ref.agentId, kind: info.kind, node: info.node, new: ref.started ? 'yes' : 'no (kept)', applied: info.signalsApplied, state: summary });
  }
  console.table(rows);
}

/** A stop request came while something was starting: stop what exists now, after the first pass. */
async function stopLate(started: { server?: DevServer; nodes: NodeProcess[] }, stopping: Promise<void>): Promise<number> {
  await stopping;
  await Promise.all(started.nodes.map((n) => n.stop()));
  await started.server?.stop();
  return 0;
}

async function main(): Promise<number> {
  const opts = options();
  if (opts.help) {
    say('usage: npm start -- [--port 7233] [--ui-port 8233] [--db FILE] [--nodes 2] [--no-demo]');
    return 0;
  }
  const started: { server?: DevServer; nodes: NodeProcess[] } = { nodes: [] };
  let stopping: Promise<void> | undefined;
  const shutdown = (why: string): Promise<void> =>
    (stopping ??= (async () => {
      say(`\n${why}: stopping ${started.nodes.length} node(s) and the dev server…`);
      await Promise.all(started.nodes.map((n) => n.stop()));
      await started.server?.stop();
      say('stopped cleanly.');
    })());
  const stopped = new Promise<void>((resolve) => {
    for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => void shutdown(sig).then(resolve));
  });

  try {
    mkdirSync(path.dirname(opts.db), { recursive: true });
    say(`agent-cluster: starting the Temporal dev server (SQLite ${path.relative(process.cwd(), opts.db) || opts.db})…`);
    started.server = await startDevServer({ port: opts.port, uiPort: opts.uiPort, dbFile: opts.db });
    if (stopping) return await stopLate(started, stopping);

    const bundlePath = await bundleWorkflowsToFile(WORKFLOWS_PATH, path.join(ROOT, '.tmp', 'start-workflow-bundle.js'));

    const nodeIds = Array.from({ length: opts.nodes }, (_, i) => `node-${String.fromCharCode(97 + i)}`);
    say(`agent-cluster: starting nodes ${nodeIds.join(', ')} (one process each)…`);
    for (const nodeId of nodeIds) {
      started.nodes.push(
        await spawnNodeProcess({ nodeId, address: started.server.address, workflowBundlePath: bundlePath, logLevel: 'warn', env: { CLUSTER_PRESET: 'development' } }),
      );
      if (stopping) return await stopLate(started, stopping);
    }
    // Every node joins the cluster (the first starts cluster/node-discovery and cluster/health-monitor).
    await Promise.all(started.nodes.map((n) => n.joined({ timeoutMs: 60_000 })));
    if (stopping) return await stopLate(started, stopping);

    const connection = await Connection.connect({ address: started.server.address });
    const agents = new AgentClient({ client: new Client({ connection }), kinds: [...exampleKinds, ...CLUSTER_KINDS] });
    if (opts.demo) await demo(agents, nodeIds);
    await showMembership(agents, started.nodes);

    const ui = started.server.uiUrl ?? '';
    const q = (query: string) => `${ui}/namespaces/default/workflows?query=${encodeURIComponent(query)}`;
    say();
    say(`Temporal Web UI:      ${ui}`);
    say(`  accumulator agents: ${q("AgentKind='accumulator'")}`);
    say(`  agents on node-a:   ${q("AgentNode='node-a'")}`);
    say(`  cluster agents:     ${q("WorkflowId STARTS_WITH 'agent/cluster/'")}`);
    say(`Temporal frontend:    ${started.server.address}  (temporal workflow list --address ${started.server.address})`);
    say(`agent-cluster ready — Ctrl-C stops everything it started.`);
    await connection.close();
    await stopped;
    return 0;
  } catch (err) {
    if (stopping) return await stopLate(started, stopping); // Ctrl-C in the middle of the demo: not an error
    process.stderr.write(`agent-cluster: ${isAgentClusterError(err) || err instanceof Error ? err.message : String(err)}\n`);
    await shutdown('error');
    return 1;
  }
}

process.exitCode = await main().catch((err: unknown) => {
  process.stderr.write(`agent-cluster: ${err instanceof Error ? err.message : String(err)}\n`);
  return 2;
});
