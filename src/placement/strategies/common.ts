/**
 * What every placement strategy shares: its signature, the readings it takes from a node row (missing
 * load counts as idle: a node that has not reported yet is as good as it claims), and the deterministic
 * best-of scan (ties go to the smallest node id). Pure.
 *
 * @module
 */
import type { PlacementNode, PlacementRequest } from '../table.js';

/** What a strategy may use besides the candidates: a decision counter the caller supplies. */
export interface StrategyContext {
  seq: number;
}

/** A strategy's choice, with the score of every candidate it considered (for explaining the decision). */
export interface StrategyChoice {
  nodeId: string;
  score: number;
  scores: Record<string, number>;
  reason: string;
}

/** One strategy: candidates are already eligible (./constraints.ts) and never empty. */
export type Strategy = (candidates: readonly PlacementNode[], request: PlacementRequest, ctx: StrategyContext) => StrategyChoice;

export const cpu = (n: PlacementNode): number => n.load?.cpu ?? 0;
export const memory = (n: PlacementNode): number => n.load?.memory ?? 0;
export const network = (n: PlacementNode): number => n.network ?? 1;

/** Candidates in node-id order (the order every tie is broken in). */
export function byId(candidates: readonly PlacementNode[]): PlacementNode[] {
  return [...candidates].sort((a, b) => (a.nodeId < b.nodeId ? -1 : a.nodeId > b.nodeId ? 1 : 0));
}

/** The candidate with the best score (`higher` wins, or lower), ties to the smallest id; every score recorded. */
export function best(candidates: readonly PlacementNode[], score: (n: PlacementNode) => number, higher: boolean): { node: PlacementNode; score: number; scores: Record<string, number> } {
  const scores: Record<string, number> = {};
  let chosen: PlacementNode | undefined;
  let top = 0;
  for (const n of candidates) {
    const s = score(n);
    scores[n.nodeId] = s;
    if (chosen === undefined || (higher ? s > top : s < top) || (s === top && n.nodeId < chosen.nodeId)) {
      chosen = n;
      top = s;
    }
  }
  return { node: chosen as PlacementNode, score: top, scores };
}

export const fmt = (x: number): string => (Number.isInteger(x) ? String(x) : x.toFixed(3));
