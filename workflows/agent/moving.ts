/**
 * Moving an agent to another home node: the agent's half of the move protocol (`jido.move`, driven by
 * the migration saga). The agent keeps applying signals throughout; only its node-local work moves.
 *
 * - **prepare** `{ moveId, target, replyTo, timeoutMs? }`: new runs (activities on the home node) are held
 *   back; once none is in flight and no mount is under way — the agent's node-local work is quiesced — the
 *   agent answers `ok` with its node and epoch. Refused: an agent that is stopping, a target that is its
 *   home already, another move under way. The same `moveId` again is answered again (a lost reply).
 * - **commit** `{ moveId, node, epoch }`: only for the prepared, answered move, with a larger epoch. The agent
 *   switches its home node (and `AgentNode`) and epoch, and the held runs go to the new node's queue. A
 *   commit already applied is answered `ok` again.
 * - **abort** `{ moveId, reason }`: the held runs go where they were; answered `ok` whether or not that move
 *   was still prepared (nothing to undo).
 * - A prepared move not committed within its timeout (default 60 s, at most 10 min) is abandoned by the
 *   agent itself, with a dead letter saying so, so a saga that died can never leave an agent quiesced.
 *
 * Every answer is a `jido.move.reply` signal to `replyTo`. The requests take their turn in the inbox, so a
 * move is ordered with the signals around it. The pending move is carried across continue-as-new.
 *
 * @module
 */
import { getExternalWorkflowHandle, log } from '@temporalio/workflow';
import type { Rejection } from '../../src/agent/apply.js';
import { ErrorCode } from '../../src/errors.js';
import { moveReplyMessage, type MoveReply, type MoveRequest, type PendingMove } from '../../src/messages.js';
import type { AgentStatus } from '../../src/search-attributes.js';

export const MOVE_TIMEOUT_DEFAULT_MS = 60_000;
export const MOVE_TIMEOUT_MAX_MS = 600_000;

/** What a move needs from the agent. */
export interface MovingHost {
  readonly agentId: string;
  readonly kind: string;
  readonly hosted: boolean;
  node(): string;
  epoch(): number;
  status(): AgentStatus;
  /** No node-local work in flight: no run, no host operation, no mount under way. */
  quiet(): boolean;
  /** Switches the home node and epoch. */
  rehome(node: string, epoch: number): void;
  /** Held runs may go (to whatever the home node is now). */
  release(): void;
  deadLetter(raw: unknown, rejection: Rejection): void;
}

const text = (v: unknown, max = 256): v is string => typeof v === 'string' && v.length > 0 && v.length <= max;

/** The request's shape, or the problem with it. */
function checkRequest(raw: unknown): MoveRequest | string {
  const r = raw as Partial<Record<string, unknown>> | null;
  if (typeof r !== 'object' || r === null) return 'jido.move expects { op, moveId, replyTo, … }';
  if (!text(r.moveId) || !text(r.replyTo)) return 'jido.move needs a moveId and a replyTo (workflow id), each 1-256 characters';
  switch (r.op) {
    case 'prepare':
      if (!text(r.target, 63)) return 'jido.move prepare needs a target node';
      if (r.timeoutMs !== undefined && !(Number.isInteger(r.timeoutMs) && (r.timeoutMs as number) > 0)) return 'jido.move prepare: timeoutMs must be a positive integer';
      return r as MoveRequest;
    case 'commit':
      if (!text(r.node, 63)) return 'jido.move commit needs the new home node';
      if (!(Number.isInteger(r.epoch) && (r.epoch as number) > 0)) return 'jido.move commit needs a positive integer epoch';
      return r as MoveRequest;
    case 'abort':
      return { ...(r as MoveRequest), reason: typeof r.reason === 'string' ? r.reason.slice(0, 256) : 'aborted' } as MoveRequest;
    default:
      return `jido.move: unknown op ${JSON.stringify(r.op)} (prepare, commit or abort)`;
  }
}

export class Moving {
  pending: PendingMove | undefined;

  constructor(
    private readonly host: MovingHost,
    carried: PendingMove | undefined,
  ) {
    this.pending = carried;
  }

  /** Runs are held back while a move is prepared. */
  get holding(): boolean {
    return this.pending !== undefined;
  }

  /**
   * The main loop has a prepare to answer (quiesced now). No clock is read here: a condition is also
   * evaluated in workflow tasks the server throws away, and a decision taken from their time would not
   * replay. Expiry comes from the loop's timer instead ({@link expire}).
   */
  due(): boolean {
    const p = this.pending;
    return p !== undefined && !p.answered && this.host.quiet();
  }

  /** How long the main loop may sleep before the pending move expires (undefined: no move). */
  sleepMs(now: number): number | undefined {
    return this.pending === undefined ? undefined : Math.max(1, this.pending.deadline - now);
  }

  /** The loop's timer for the pending move fired: if still pending, it was not committed in time. */
  expire(): void {
    const p = this.pending;
    if (p === undefined) return;
    this.pending = undefined;
    this.host.release();
    this.host.deadLetter(undefined, { code: ErrorCode.MOVE_REFUSED, message: `move ${p.moveId} to node ${p.target} was not committed in time: resumed on node ${this.host.node()}` });
  }

  /** Answers a quiesced prepare. */
  step(): void {
    const p = this.pending;
    if (p === undefined) return;
    if (!p.answered && this.host.quiet()) {
      p.answered = true;
      this.reply(p.replyTo, { moveId: p.moveId, op: 'prepare', ok: true });
    }
  }

  /** Handles one request, in inbox order. */
  handle(raw: unknown, now: number): void {
    const req = checkRequest(raw);
    if (typeof req === 'string') {
      const replyTo = (raw as { replyTo?: unknown } | null)?.replyTo;
      const moveId = (raw as { moveId?: unknown } | null)?.moveId;
      if (text(replyTo) && text(moveId)) this.reply(replyTo, { moveId, op: 'prepare', ok: false, reason: req });
      this.host.deadLetter(raw, { code: ErrorCode.INVALID_INPUT, message: req });
      return;
    }
    const refuse = (reason: string): void => {
      this.reply(req.replyTo, { moveId: req.moveId, op: req.op, ok: false, reason });
      this.host.deadLetter(undefined, { code: ErrorCode.MOVE_REFUSED, message: `move ${req.moveId} (${req.op}) refused: ${reason}` });
    };
    const p = this.pending;
    if (req.op === 'prepare') {
      if (p !== undefined && p.moveId === req.moveId) {
        if (p.answered) this.reply(req.replyTo, { moveId: p.moveId, op: 'prepare', ok: true });
        return;
      }
      if (this.host.status() !== 'running') return refuse(`agent "${this.host.agentId}" is ${this.host.status()}`);
      if (p !== undefined) return refuse(`another move (${p.moveId}, to node ${p.target}) is under way`);
      if (req.target === this.host.node()) return refuse(`agent "${this.host.agentId}" is homed on node ${req.target} already`);
      const timeout = Math.min(req.timeoutMs ?? MOVE_TIMEOUT_DEFAULT_MS, MOVE_TIMEOUT_MAX_MS);
      this.pending = { moveId: req.moveId, replyTo: req.replyTo, target: req.target, deadline: now + timeout, answered: false };
      log.info('move prepared', { agentId: this.host.agentId, moveId: req.moveId, from: this.host.node(), to: req.target });
      this.step();
      return;
    }
    if (req.op === 'commit') {
      if (p === undefined || p.moveId !== req.moveId) {
        // Applied before, and its answer lost: the same answer.
        if (this.host.node() === req.node && this.host.epoch() === req.epoch) return this.reply(req.replyTo, { moveId: req.moveId, op: 'commit', ok: true });
        return refuse(`no move ${req.moveId} is prepared here (it timed out, was aborted, or never began)`);
      }
      if (!p.answered) return refuse(`move ${req.moveId} is not prepared yet (node-local work still in flight)`);
      if (req.node !== p.target) return refuse(`move ${req.moveId} was prepared for node ${p.target}, not ${req.node}`);
      if (req.epoch <= this.host.epoch()) return refuse(`epoch ${req.epoch} is not newer than the current ${this.host.epoch()}`);
      this.pending = undefined;
      const from = this.host.node();
      this.host.rehome(req.node, req.epoch);
      this.host.release();
      log.info('move committed', { agentId: this.host.agentId, moveId: req.moveId, from, to: req.node, epoch: req.epoch });
      return this.reply(req.replyTo, { moveId: req.moveId, op: 'commit', ok: true });
    }
    if (p !== undefined && p.moveId === req.moveId) {
      this.pending = undefined;
      this.host.release();
      log.info('move aborted', { agentId: this.host.agentId, moveId: req.moveId, reason: req.reason });
    }
    this.reply(req.replyTo, { moveId: req.moveId, op: 'abort', ok: true });
  }

  /** The agent is stopping: a prepared move ends here, and its requester hears so. */
  cancel(reason: string): void {
    const p = this.pending;
    if (p === undefined) return;
    this.pending = undefined;
    this.host.release();
    this.reply(p.replyTo, { moveId: p.moveId, op: 'prepare', ok: false, reason });
  }

  private reply(replyTo: string, r: Pick<MoveReply, 'moveId' | 'op' | 'ok' | 'reason'>): void {
    const reply: MoveReply = { ...r, agentId: this.host.agentId, kind: this.host.kind, node: this.host.node(), epoch: this.host.epoch(), hosted: this.host.hosted };
    if (reply.reason === undefined) delete reply.reason;
    getExternalWorkflowHandle(replyTo)
      .signal(moveReplyMessage, reply)
      .catch((err: unknown) => log.warn('move reply not delivered', { agentId: this.host.agentId, replyTo, error: err instanceof Error ? err.message : String(err) }));
  }
}
