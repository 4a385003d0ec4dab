/**
 * Example agent: an accumulator. Small enough to read in one go, and exercises every directive: `add`
 * changes state, `add.later` schedules a durable timer, `forward` emits to another agent, `spawn` starts
 * one, `stop` stops itself, and `assert` throws (to show that a failing action changes nothing).
 *
 * @module
 */
import { z } from 'zod';
import { defineAction, defineAgent } from '../agent/define-agent.js';
import { emit, schedule, spawn, stop } from '../agent/directives.js';

export const accumulatorState = z.strictObject({
  total: z.number(),
  /** How many additions were applied. */
  count: z.number().int().nonnegative(),
});
export type AccumulatorState = z.infer<typeof accumulatorState>;

const amount = z.number().finite();

export const add = defineAction({
  name: 'add',
  description: 'Adds `amount` to the total; replies with the new total.',
  params: z.object({ amount }),
  run: (s: AccumulatorState, p) => {
    const total = s.total + p.amount;
    return { state: { total, count: s.count + 1 }, result: total };
  },
});

export const reset = defineAction({
  name: 'reset',
  params: z.object({}),
  run: (_s: AccumulatorState) => ({ state: { total: 0, count: 0 }, result: 0 }),
});

export const addLater = defineAction({
  name: 'addLater',
  description: 'Adds `amount` after `delayMs`, through a durable timer.',
  params: z.object({ amount, delayMs: z.number().int().nonnegative() }),
  run: (s: AccumulatorState, p) => ({
    state: s,
    directives: [schedule(p.delayMs, { type: 'accumulator.add', data: { amount: p.amount } })],
  }),
});

export const forward = defineAction({
  name: 'forward',
  description: 'Sends `accumulator.add` with `amount` to agent `to` (or to every subscriber of `topic`).',
  params: z.union([z.object({ to: z.string().min(1), amount }), z.object({ topic: z.string().min(1), amount })]),
  run: (s: AccumulatorState, p) => {
    const signal = { type: 'accumulator.add', data: { amount: p.amount } };
    return { state: s, directives: ['to' in p ? emit.toAgent(p.to, signal) : emit.toTopic(p.topic, signal)] };
  },
});

export const spawnChild = defineAction({
  name: 'spawnChild',
  params: z.object({ agentId: z.string().min(1), total: z.number().optional() }),
  run: (s: AccumulatorState, p) => ({
    state: s,
    directives: [spawn({ agentKind: 'accumulator', agentId: p.agentId, state: { total: p.total ?? 0, count: 0 } })],
  }),
});

export const stopSelf = defineAction({
  name: 'stopSelf',
  params: z.object({ reason: z.string().optional() }),
  run: (s: AccumulatorState, p) => ({ state: s, directives: [stop(p.reason)] }),
});

export const assertTotal = defineAction({
  name: 'assertTotal',
  description: 'Throws unless the total equals `equals` (a failing action leaves the state untouched).',
  params: z.object({ equals: z.number() }),
  run: (s: AccumulatorState, p) => {
    if (s.total !== p.equals) throw new Error(`total is ${s.total}, expected ${p.equals}`);
    return { state: s, result: true };
  },
});

export const accumulatorAgent = defineAgent({
  name: 'accumulator',
  description: 'Adds numbers; the example agent of the runtime.',
  state: accumulatorState,
  initialState: { total: 0, count: 0 },
  routes: {
    'accumulator.add': add,
    'accumulator.reset': reset,
    'accumulator.add.later': addLater,
    'accumulator.forward': forward,
    'accumulator.spawn': spawnChild,
    'accumulator.stop': stopSelf,
    'accumulator.assert': assertTotal,
  },
});
