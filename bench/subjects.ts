/**
 * The two things being compared, behind one small interface each: agents of the runtime (through
 * `AgentClient`, as a user would) and bare counters (through the raw `@temporalio/client`). Both run on the
 * same worker and task queue; both expose "start", "how many applied" (a query: the state as visible to a
 * client) and their ways of delivering messages. Plus the state-size scenario's `ballast` agents.
 *
 * `AgentClient` coalesces concurrent sends to one agent into one `jido.signals` RPC by default
 * (src/client/outbox.ts); the runtime subject turns that off unless asked, so that `send` is one
 * Temporal signal per message like the bare side's.
 *
 * @module
 */
import type { Client } from '@temporalio/client';
import { accumulatorAgent, type AccumulatorState } from '../src/examples/index.js';
import { AgentClient } from '../src/client/agent-client.js';
import type { AgentInfo } from '../src/messages.js';
import { BALLAST_ADD, ballastAgent, type BallastRow, type BallastState } from './ballast-agent.js';
import { BARE_COUNTER, bareCountQuery, bareIncSignal, bareIncUpdate } from './bare-messages.js';

/** What the scenarios need to reach the server and the worker. */
export interface BenchTarget {
  client: Client;
  taskQueue: string;
  /** Home node of the agents (its activity queue is never used by the accumulator). */
  nodeId: string;
}

/**
 * The runtime path: accumulator agents; one `accumulator.add` of 1 = one applied signal. `coalesce`
 * (default false: one RPC per send) is the client's send coalescing.
 */
export class RuntimeSubject {
  readonly agents: AgentClient;

  constructor(target: BenchTarget, options: { coalesce?: boolean } = {}) {
    this.agents = new AgentClient({
      client: target.client,
      kinds: [accumulatorAgent],
      taskQueue: target.taskQueue,
      defaultNode: target.nodeId,
      coalesce: options.coalesce ?? false,
    });
  }

  async start(id: string): Promise<void> {
    await this.agents.startAgent(accumulatorAgent, id);
  }

  /** Signals applied, as the agent's state shows them (query `jido.state`). */
  async count(id: string): Promise<number> {
    return (await this.agents.state<AccumulatorState>(id)).count;
  }

  /** One signal (`jido.signal`). */
  async send(id: string): Promise<void> {
    await this.agents.send(id, { type: 'accumulator.add', data: { amount: 1 } });
  }

  /** `n` signals as one Temporal signal (`jido.signals`). */
  async sendBatch(id: string, n: number): Promise<void> {
    await this.agents.sendBatch(id, Array.from({ length: n }, () => ({ type: 'accumulator.add', data: { amount: 1 } })));
  }

  /** `jido.call`: the update's result is the new total (= the count, as every add is 1). */
  async call(id: string): Promise<number> {
    return this.agents.call(accumulatorAgent, id, 'accumulator.add', { amount: 1 });
  }
}

/** The baseline: `bareCounter` workflows, a counter and nothing else. */
export class BareSubject {
  constructor(private readonly target: BenchTarget) {}

  async start(id: string): Promise<void> {
    await this.target.client.workflow.start(BARE_COUNTER, { workflowId: id, taskQueue: this.target.taskQueue, args: [0] });
  }

  async count(id: string): Promise<number> {
    return this.target.client.workflow.getHandle(id).query(bareCountQuery);
  }

  async send(id: string): Promise<void> {
    await this.target.client.workflow.getHandle(id).signal(bareIncSignal);
  }

  async call(id: string): Promise<number> {
    return this.target.client.workflow.getHandle(id).executeUpdate(bareIncUpdate);
  }
}

/**
 * The state-size scenario: `ballast` agents started with a table of rows, one `ballast.add` per signal,
 * each in its own RPC (no coalescing: every signal is its own workflow task activation, where a per-signal
 * cost of the state would show). Counted through `jido.info`, which does not ship the state.
 */
export class BallastSubject {
  readonly agents: AgentClient;

  constructor(target: BenchTarget) {
    this.agents = new AgentClient({ client: target.client, kinds: [ballastAgent], taskQueue: target.taskQueue, defaultNode: target.nodeId, coalesce: false });
  }

  async start(id: string, rows: BallastRow[]): Promise<void> {
    await this.agents.startAgent(ballastAgent, id, { state: { count: 0, rows } });
  }

  /** Counters and the carry budget (`budget.state` is the state's JSON bytes as the agent measured it). */
  async info(id: string): Promise<AgentInfo> {
    return this.agents.info(id);
  }

  /** Signals applied (query `jido.info`). */
  async count(id: string): Promise<number> {
    return (await this.agents.info(id)).signalsApplied;
  }

  /** The whole state (query `jido.state`: ships every row). */
  async state(id: string): Promise<BallastState> {
    return this.agents.state<BallastState>(id);
  }

  /** One signal (`jido.signal`). */
  async send(id: string): Promise<void> {
    await this.agents.send(id, BALLAST_ADD);
  }
}
