/**
 * The client API: start agents, send them Jido signals, call them, read them, stop them. A thin layer over
 * `@temporalio/client` that validates on the way in (kind known, id valid, state and signal well-formed,
 * payload under Temporal's limit) so bad input fails here, with a typed error, before anything is started
 * or sent.
 *
 * ```ts
 * const agents = new AgentClient({ client: new Client({ connection }), kinds: [accumulatorAgent] });
 * await agents.startAgent(accumulatorAgent, 'acc-1', { node: 'node-a' });
 * await agents.send('acc-1', { type: 'accumulator.add', data: { amount: 2 } });
 * const total = await agents.call(accumulatorAgent, 'acc-1', 'accumulator.add', { amount: 3 }); // 5, typed number
 * ```
 *
 * @module
 */
import { WorkflowExecutionAlreadyStartedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { z } from 'zod';
import { agentWorkflowId, assertAgentId } from '../agent/agent-id.js';
import type { AgentDefinition, CallParams, CallResult, StateOf } from '../agent/define-agent.js';
import { AGENT_WORKFLOW_TASK_TIMEOUT_MS, checkHistoryLimits } from '../agent/limits.js';
import { AgentClusterError, ErrorCode } from '../errors.js';
import {
  callUpdate,
  infoQuery,
  signalMessage,
  signalsMessage,
  stateQuery,
  stopMessage,
  type AgentInfo,
  type AgentLimits,
  type AgentResult,
  type AgentWorkflowInput,
} from '../messages.js';
import { AgentKindKey, AgentNodeKey, AgentStatusKey } from '../search-attributes.js';
import { isJsonValue, parseSignalInput, parseSignalJson, type Signal } from '../signal/index.js';
import { subscribeMessage, topicWorkflowId, unsubscribeMessage, type SubscriptionRequest } from '../topic/index.js';
import { toAgentError, type AgentOperation } from './errors.js';
import { Outbox } from './outbox.js';
import { Placer, type PlacerOptions } from './placer.js';
import type { PlacementConstraints, PlacementDecision } from '../placement/index.js';

/** Temporal's default blob size limit (the server refuses larger payloads). */
export const TEMPORAL_PAYLOAD_LIMIT_BYTES = 2 * 1024 * 1024;
/** Room left for what Temporal adds around the JSON (payload metadata, the Payloads envelope). */
const PAYLOAD_HEADROOM_BYTES = 4 * 1024;

/**
 * What `send` and `call` accept: a full signal, `{ type, data?, … }` to be completed (id, time, source),
 * or a signal as JSON text (parsed strictly: it must already be a complete envelope).
 */
export type SignalLike = (Partial<Signal> & { type: string }) | string;

export interface AgentClientOptions {
  client: Client;
  /** The agent kinds this client may start; their schemas validate state and call params here. */
  kinds: readonly AgentDefinition[];
  /** The shared workflow task queue the node workers poll. Default `agents`. */
  taskQueue?: string;
  /** Home node when `startAgent` is given none. */
  defaultNode?: string;
  /** `source` of signals this client completes. Default `/client`. */
  source?: string;
  /**
   * Coalesce sends to one agent made while another is in flight into one `jido.signals` RPC (default
   * true; see ./outbox.ts). False sends every signal in its own RPC.
   */
  coalesce?: boolean;
  /**
   * Workflow task timeout of the agents this client starts (default {@link AGENT_WORKFLOW_TASK_TIMEOUT_MS},
   * 4 s): how long an agent stalls when its task went to a worker that died. Agents they spawn inherit it.
   */
  workflowTaskTimeoutMs?: number;
  /**
   * Automatic placement when `startAgent` is given no node and there is no `defaultNode`: the strategy
   * (default: the load balancer's) and how long the placement table read from it is reused (./placer.ts).
   */
  placement?: PlacerOptions;
}

/** An agent as started. */
export interface AgentRef {
  agentId: string;
  kind: string;
  node: string;
  workflowId: string;
  runId: string;
  /** False when the agent was already running (start is idempotent). */
  started: boolean;
}

function byteLength(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');
}

export class AgentClient {
  readonly client: Client;
  readonly taskQueue: string;
  private readonly kinds = new Map<string, AgentDefinition>();
  private readonly defaultNode: string | undefined;
  private readonly source: string;
  private readonly outbox: Pick<Outbox, 'send'>;
  private readonly workflowTaskTimeoutMs: number;
  private readonly placer: Placer;

  constructor(options: AgentClientOptions) {
    this.client = options.client;
    this.taskQueue = options.taskQueue ?? 'agents';
    this.defaultNode = options.defaultNode;
    this.source = options.source ?? '/client';
    this.workflowTaskTimeoutMs = options.workflowTaskTimeoutMs ?? AGENT_WORKFLOW_TASK_TIMEOUT_MS;
    this.placer = new Placer(this.client, options.placement);
    for (const k of options.kinds) this.kinds.set(k.name, k);
    const deliver = (agentId: string, signals: Signal[], asBatch: boolean): Promise<void> =>
      this.mapErrors(agentId, 'signal', () => (asBatch ? this.handle(agentId).signal(signalsMessage, signals) : this.handle(agentId).signal(signalMessage, signals[0])));
    this.outbox = options.coalesce === false ? { send: (agentId, signals, _bytes, asBatch) => deliver(agentId, signals, asBatch) } : new Outbox(deliver);
  }

  /** The registered kind named `kind`, or {@link ErrorCode.UNKNOWN_KIND}. */
  kind(kind: string | AgentDefinition): AgentDefinition {
    const name = typeof kind === 'string' ? kind : kind.name;
    const def = this.kinds.get(name);
    if (def === undefined) {
      throw new AgentClusterError(ErrorCode.UNKNOWN_KIND, `unknown agent kind "${name}"; registered kinds: ${[...this.kinds.keys()].join(', ') || '(none)'}`);
    }
    return def;
  }

  /**
   * Starts an agent, or finds it running (idempotent: starting a running agent is not an error and does not
   * change it). Validates kind, id and initial state first: on bad input nothing is started.
   */
  async startAgent<D extends AgentDefinition>(
    kind: D | string,
    agentId: string,
    options: { node?: string; state?: StateOf<D>; limits?: AgentLimits; constraints?: PlacementConstraints } = {},
  ): Promise<AgentRef> {
    const def = this.kind(kind);
    assertAgentId(agentId);
    let node = options.node ?? this.defaultNode;
    if (node !== undefined && node.length === 0) throw new AgentClusterError(ErrorCode.INVALID_CONFIG, `startAgent("${agentId}"): the node name is empty`);
    // No node: placed automatically from the load balancer's table; the decision goes into the input.
    let placement: PlacementDecision | undefined;
    if (node === undefined) {
      placement = await this.placer.place({ agentId, kind: def.name, ...(options.constraints !== undefined ? { constraints: options.constraints } : {}) });
      node = placement.node;
    }
    const input: AgentWorkflowInput = { agentId, node };
    if (placement !== undefined) input.placement = placement;
    if (options.limits !== undefined) {
      const problem = checkHistoryLimits(options.limits, def.options.maxHistoryEvents);
      if (problem !== undefined) throw new AgentClusterError(ErrorCode.INVALID_CONFIG, problem);
      input.limits = options.limits;
    }
    if (options.state !== undefined) {
      const parsed = def.state.safeParse(options.state);
      if (!parsed.success) {
        throw new AgentClusterError(ErrorCode.INVALID_STATE, `initial state of ${def.name} "${agentId}" fails the schema: ${z.prettifyError(parsed.error)}`);
      }
      if (!isJsonValue(parsed.data)) {
        throw new AgentClusterError(ErrorCode.INVALID_STATE, `initial state of ${def.name} "${agentId}" is not plain JSON (Date, Map, undefined …), which Temporal would mangle`);
      }
      const bytes = byteLength(parsed.data);
      if (bytes > def.options.maxStateBytes) {
        throw new AgentClusterError(
          ErrorCode.STATE_TOO_LARGE,
          `initial state of ${def.name} "${agentId}" is ${bytes} bytes of JSON, over the kind's maxStateBytes of ${def.options.maxStateBytes}`,
          { details: { bytes, limit: def.options.maxStateBytes } },
        );
      }
      input.state = parsed.data;
    }
    this.checkSize(input, `initial state of "${agentId}"`);
    const workflowId = agentWorkflowId(agentId);
    try {
      const handle = await this.client.workflow.start(def.name, {
        workflowId,
        taskQueue: this.taskQueue,
        args: [input],
        workflowTaskTimeout: this.workflowTaskTimeoutMs,
        typedSearchAttributes: [
          { key: AgentKindKey, value: def.name },
          { key: AgentNodeKey, value: node },
          { key: AgentStatusKey, value: 'running' },
        ],
        staticSummary: `${def.name} agent ${agentId} on ${node}`,
        staticDetails: def.description ?? '',
      });
      return { agentId, kind: def.name, node, workflowId, runId: handle.firstExecutionRunId, started: true };
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      // Idempotent start: report the running agent as it is (its own node, not the one asked for).
      const running = this.client.workflow.getHandle(workflowId);
      const [desc, info] = await Promise.all([running.describe(), running.query(infoQuery)]);
      if (desc.type !== def.name) {
        throw new AgentClusterError(ErrorCode.UNKNOWN_KIND, `agent "${agentId}" is already running as kind "${desc.type}", not "${def.name}"`);
      }
      return { agentId, kind: desc.type, node: info.node, workflowId, runId: desc.runId, started: false };
    }
  }

  /** Completes and validates a signal (id, time, source); throws {@link ErrorCode.INVALID_SIGNAL}. */
  signal(input: SignalLike): Signal {
    if (typeof input === 'string') return parseSignalJson(input);
    const withDefaults: Record<string, unknown> = { source: this.source, time: new Date().toISOString(), ...input };
    if (withDefaults.data !== undefined && withDefaults.datacontenttype === undefined) withDefaults.datacontenttype = 'application/json';
    return parseSignalInput(withDefaults);
  }

  /**
   * Sends one signal (fire-and-forget); resolves once Temporal has accepted it. Returns its id: re-sending
   * the same signal applies it once. Sends to one agent made while another is in flight go together in
   * the next RPC (see ./outbox.ts), in the order they were made.
   */
  async send(agentId: string, input: SignalLike): Promise<string> {
    assertAgentId(agentId);
    const signal = this.signal(input);
    const bytes = this.checkSize(signal, `signal ${signal.id}`);
    await this.outbox.send(agentId, [signal], bytes, false);
    return signal.id;
  }

  /** Sends signals as one Temporal signal (never split; one history event); applied in order. Returns their ids. */
  async sendBatch(agentId: string, inputs: readonly SignalLike[]): Promise<string[]> {
    assertAgentId(agentId);
    const signals = inputs.map((s) => this.signal(s));
    const bytes = this.checkSize(signals, `batch of ${signals.length} signals`);
    await this.outbox.send(agentId, signals, bytes, true);
    return signals.map((s) => s.id);
  }

  /**
   * Sends a signal and waits for the result of the action it routes to. A signal the agent refuses
   * (malformed, no route, params failing the schema, duplicate id, agent stopping) is rejected before
   * anything is written to the agent's history: {@link ErrorCode.SIGNAL_REJECTED} (or the more precise code).
   */
  async call<D extends AgentDefinition, T extends string>(
    kind: D,
    agentId: string,
    type: T,
    data: CallParams<D, T>,
    attrs?: Omit<Partial<Signal>, 'type' | 'data'>,
  ): Promise<CallResult<D, T>>;
  async call(agentId: string, signal: SignalLike): Promise<unknown>;
  async call(...args: unknown[]): Promise<unknown> {
    const [agentId, input] =
      typeof args[0] === 'string'
        ? [args[0], args[1] as SignalLike]
        : [args[1] as string, { ...(args[4] as object | undefined), type: args[2] as string, data: args[3] } as SignalLike];
    const signal = this.signal(input);
    this.checkSize(signal, `signal ${signal.id}`);
    return this.mapErrors(agentId, 'update', () => this.handle(agentId).executeUpdate(callUpdate, { args: [signal], updateId: signal.id }));
  }

  /** The agent's current state. */
  async state<S = unknown>(agentId: string): Promise<S> {
    return this.mapErrors(agentId, 'query', () => this.handle(agentId).query(stateQuery)) as Promise<S>;
  }

  /** Kind, home node, status, counters and dead letters. */
  async info(agentId: string): Promise<AgentInfo> {
    return this.mapErrors(agentId, 'query', () => this.handle(agentId).query(infoQuery));
  }

  /** Asks the agent to stop once the signals it accepted are applied; resolves with its final state. */
  async stop(agentId: string, reason?: string): Promise<AgentResult> {
    const handle = this.handle(agentId);
    await this.mapErrors(agentId, 'stop', () => handle.signal(stopMessage, reason === undefined ? {} : { reason }));
    return (await handle.result()) as AgentResult;
  }

  /**
   * Subscribes agents to a topic (starting the topic on first use). Many agents go in one Temporal signal:
   * pass an array (up to the 2 MB payload limit) rather than thousands of single calls.
   */
  async subscribe(topic: string, agentIds: string | readonly string[]): Promise<void> {
    const request = this.subscription(agentIds);
    await this.client.workflow.signalWithStart('topic', {
      workflowId: topicWorkflowId(topic),
      taskQueue: this.taskQueue,
      args: [{ topic }],
      signal: subscribeMessage,
      signalArgs: [request],
      staticSummary: `topic ${topic}`,
    });
  }

  /** Removes agents from a topic. */
  async unsubscribe(topic: string, agentIds: string | readonly string[]): Promise<void> {
    await this.client.workflow.getHandle(topicWorkflowId(topic)).signal(unsubscribeMessage, this.subscription(agentIds));
  }

  private subscription(agentIds: string | readonly string[]): SubscriptionRequest {
    if (typeof agentIds === 'string') return { agentId: assertAgentId(agentIds) };
    if (agentIds.length === 0) throw new AgentClusterError(ErrorCode.INVALID_AGENT_ID, 'subscribe/unsubscribe needs at least one agent id');
    const request = { agentIds: agentIds.map((id) => assertAgentId(id)) };
    this.checkSize(request, `subscription of ${agentIds.length} agents`);
    return request;
  }

  /** The raw Temporal handle of an agent's workflow. */
  handle(agentId: string): WorkflowHandle {
    return this.client.workflow.getHandle(agentWorkflowId(assertAgentId(agentId)));
  }

  /** The JSON bytes of `value`; throws PAYLOAD_TOO_LARGE past Temporal's limit. */
  private checkSize(value: unknown, what: string): number {
    const bytes = byteLength(value);
    if (bytes > TEMPORAL_PAYLOAD_LIMIT_BYTES - PAYLOAD_HEADROOM_BYTES) {
      throw new AgentClusterError(
        ErrorCode.PAYLOAD_TOO_LARGE,
        `${what} is ${bytes} bytes, over Temporal's payload limit of ${TEMPORAL_PAYLOAD_LIMIT_BYTES} bytes (less ${PAYLOAD_HEADROOM_BYTES} for its envelope); split it or send a reference`,
        { details: { bytes, limit: TEMPORAL_PAYLOAD_LIMIT_BYTES - PAYLOAD_HEADROOM_BYTES } },
      );
    }
    return bytes;
  }

  private async mapErrors<T>(agentId: string, op: AgentOperation, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw toAgentError(agentId, err, op);
    }
  }
}
