/**
 * Fencing epochs in activity ids: a moved agent's runs carry `e<epoch>.<n>`; an agent never moved keeps
 * Temporal's default ids (so its histories replay unchanged). The node reads the epoch back
 * (activities/host/fencing.ts). Pure.
 *
 * @module
 */

/** The activity id of a run dispatched under `epoch` (undefined: the default id, when the agent never moved). */
export function runActivityId(epoch: number, n: number): string | undefined {
  return epoch > 0 ? `e${epoch}.${n}` : undefined;
}

/** The epoch an activity id carries (0 without one). */
export function epochOfActivityId(activityId: string): number {
  const m = /^e(\d+)\./.exec(activityId);
  return m === null ? 0 : Number(m[1]);
}
