/**
 * `ballast`, a bench-only agent kind for the state-size scenario: a counter that carries a table of rows
 * (the shape of a node table: id, cpu, mem, labels) it never touches. `ballast.add` returns
 * `{ ...state, count: count + 1 }`, so the rows array is shared with the previous state (structural
 * sharing) and the runtime's incremental state check only looks at what changed; what the scenario
 * measures is whether a signal to an agent with a 200 KB state costs more than one with a 1 KB state.
 *
 * Sandbox code and harness code at once (bench/workflows.ts bundles it; bench/subjects.ts starts it):
 * imports only zod and the agent core.
 *
 * @module
 */
import { z } from 'zod';
import { defineAction, defineAgent } from '../src/agent/index.js';

export const ballastRow = z.strictObject({
  id: z.string(),
  cpu: z.number(),
  mem: z.number(),
  labels: z.array(z.string()),
});
export type BallastRow = z.infer<typeof ballastRow>;

export const ballastState = z.strictObject({
  /** Signals applied (`ballast.add`). */
  count: z.number().int().nonnegative(),
  /** The ballast: where the state's size is. */
  rows: z.array(ballastRow),
});
export type BallastState = z.infer<typeof ballastState>;

export const ballastAdd = defineAction({
  name: 'add',
  description: 'Counts one; the rows are left as they are (the same array, not a copy).',
  params: z.object({}),
  run: (s: BallastState) => ({ state: { ...s, count: s.count + 1 } }),
});

export const ballastAgent = defineAgent({
  name: 'ballast',
  description: 'Bench only: a counter carrying a table of rows it never changes (state-size scenario).',
  state: ballastState,
  initialState: { count: 0, rows: [] },
  routes: { 'ballast.add': ballastAdd },
  // Room for the 200 KB state of the scenario (the default limit is 256 KiB).
  options: { maxStateBytes: 512 * 1024 },
});

/** The signal the scenario sends. */
export const BALLAST_ADD = { type: 'ballast.add', data: {} } as const;

/**
 * Deterministic rows whose state `{ count: 0, rows }` is at least `bytes` of JSON (and less than one row
 * more): about 90 bytes a row, so 1 KB is ~11 rows and 200 KB ~2,300.
 */
export function ballastRows(bytes: number): BallastRow[] {
  const rows: BallastRow[] = [];
  let size = JSON.stringify({ count: 0, rows }).length;
  for (let i = 0; size < bytes; i++) {
    const row: BallastRow = {
      id: `node-${String(i).padStart(5, '0')}`,
      cpu: ((i * 37) % 100) / 100,
      mem: 1_000_000 + ((i * 7_919) % 1_000_000),
      labels: [`zone-${'abc'[i % 3] as string}`, `rack-${i % 40}`, i % 5 === 0 ? 'role-control' : 'role-worker'],
    };
    size += JSON.stringify(row).length + (rows.length > 0 ? 1 : 0);
    rows.push(row);
  }
  return rows;
}
