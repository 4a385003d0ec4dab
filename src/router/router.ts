/**
 * The signal router, with Jido.Signal.Router's semantics: a trie over dot-separated segments that
 * returns **all** targets whose pattern matches a signal's type, most specific first.
 *
 * Order of results: specificity (see `patternSpecificity`: more exact segments, then earlier exact
 * segments, then `*` over `**`), then priority (higher first), then registration order.
 * No match is an error (`NO_ROUTE`, Jido's `no_handlers_found`); `match` is the non-throwing form.
 *
 * Cost: a lookup walks the trie once per type string (exact children are a hash lookup per segment, so
 * it does not grow with the number of exact routes) and the sorted result is kept in a bounded cache,
 * cleared whenever a route is added or removed; a cached type costs one `Map.get` and, unless a route
 * on it has a match function, allocates nothing. Pure module (the trie is never serialised).
 *
 * @module
 */
import { AgentClusterError, ErrorCode } from '../errors.js';
import type { Signal } from '../signal/index.js';
import { compilePattern, validatePattern } from './pattern.js';
import { insert, lookup, newNode, removeAt, type Entry } from './trie.js';

/** A predicate on the whole signal; a route with one matches only when it returns `true`. */
export type MatchFn = (signal: Signal) => boolean;

/** One route: a pattern, its target, an optional priority in [-100, 100] and an optional match function. */
export interface Route<T> {
  path: string;
  target: T;
  /** Integer in [-100, 100]; default 0. Breaks ties between equally specific routes (higher first). */
  priority?: number | undefined;
  /** Only match signals for which this returns `true` (throwing counts as no match). */
  match?: MatchFn | undefined;
}

/** Options for {@link createRouter}. */
export interface RouterOptions {
  /** How many distinct type strings keep their compiled result (emptied when full). Default 1024; 0 disables. */
  cacheSize?: number;
}

/** A router from signal types to targets of type `T`. */
export interface Router<T> {
  /** Adds `path → target` with `priority` (default 0). Throws `INVALID_PATTERN`. Returns the router. */
  add(path: string, target: T, priority?: number): Router<T>;
  /** Adds a route given as an object (the only form that takes a match function). */
  add(route: Route<T>): Router<T>;
  /**
   * All targets matching the signal (or bare type), in order. Throws `NO_ROUTE` when there are none.
   * Given a bare type string, routes with a match function are skipped (they need the whole signal).
   * The array is shared and frozen: copy it before changing it.
   */
  route(input: Signal | string): readonly T[];
  /** Like {@link Router.route} but returns an empty array when nothing matches. */
  match(input: Signal | string): readonly T[];
  /** True when at least one route matches the signal (or bare type). */
  has(input: Signal | string): boolean;
  /**
   * Removes the routes registered with exactly this pattern (only those with `target`, compared with
   * `===`, when given). Returns how many were removed. Throws `INVALID_PATTERN` for an invalid pattern.
   */
  remove(path: string, target?: T): number;
  /** Number of routes. */
  readonly size: number;
  /** The routes, in registration order. */
  routes(): Route<T>[];
}

/** Priority bounds, as in Jido. */
export const MIN_PRIORITY = -100;
/** Priority bounds, as in Jido. */
export const MAX_PRIORITY = 100;

const DEFAULT_CACHE_SIZE = 1024;
const NOTHING: readonly never[] = Object.freeze([]);

/** A stored route. */
interface RouteEntry<T> extends Entry {
  readonly target: T;
  readonly match: MatchFn | undefined;
}

/** The routing result for one type string, as cached. */
interface Compiled<T> {
  /** Every matching route, sorted. */
  readonly entries: readonly RouteEntry<T>[];
  /** Targets of the matching routes without a match function, sorted and frozen. */
  readonly plain: readonly T[];
  readonly hasMatchFns: boolean;
}

/**
 * A new router, optionally with initial routes. Patterns and priorities are checked on the way in
 * (`INVALID_PATTERN` saying what is wrong).
 *
 * ```ts
 * const router = createRouter<string>([
 *   { path: 'user.created', target: 'welcome' },
 *   { path: 'user.*', target: 'audit-user', priority: 10 },
 *   { path: 'audit.**', target: 'archive' },
 *   { path: 'user.*', target: 'vip', match: (s) => (s.data as { vip?: boolean })?.vip === true },
 * ]);
 * router.route('user.created'); // ['welcome', 'audit-user']
 * ```
 */
export function createRouter<T>(routes: Iterable<Route<T>> = [], options: RouterOptions = {}): Router<T> {
  const cacheSize = options.cacheSize ?? DEFAULT_CACHE_SIZE;
  if (!Number.isInteger(cacheSize) || cacheSize < 0) {
    throw new AgentClusterError(ErrorCode.INVALID_CONFIG, `router cacheSize must be a non-negative integer (got ${cacheSize})`);
  }
  const root = newNode<RouteEntry<T>>();
  const registry = new Set<RouteEntry<T>>();
  const cache = new Map<string, Compiled<T>>();
  let seq = 0;

  function addRoute(route: Route<T>): void {
    const pattern = compilePattern(route.path);
    const priority = route.priority ?? 0;
    if (typeof priority !== 'number' || !Number.isInteger(priority) || priority < MIN_PRIORITY || priority > MAX_PRIORITY) {
      throw new AgentClusterError(
        ErrorCode.INVALID_PATTERN,
        `invalid route "${route.path}": priority must be an integer in [${MIN_PRIORITY}, ${MAX_PRIORITY}] (got ${String(priority)})`,
        { details: { pattern: route.path, priority: typeof priority === 'number' ? priority : String(priority) } },
      );
    }
    if (route.match !== undefined && typeof route.match !== 'function') {
      throw new AgentClusterError(
        ErrorCode.INVALID_PATTERN,
        `invalid route "${route.path}": match must be a function (signal) => boolean`,
        { details: { pattern: route.path } },
      );
    }
    const entry: RouteEntry<T> = { pattern, target: route.target, priority, match: route.match, seq: seq++, seen: 0 };
    insert(root, entry);
    registry.add(entry);
    cache.clear();
  }

  function compiled(type: string): Compiled<T> {
    let result = cache.get(type);
    if (result !== undefined) return result;
    result = compile(lookup(root, type));
    if (cacheSize > 0) {
      // Full: start over rather than evict one by one (cheaper, and hot types come straight back).
      if (cache.size >= cacheSize) cache.clear();
      cache.set(type, result);
    }
    return result;
  }

  function matching(input: Signal | string): readonly T[] {
    if (typeof input === 'string') return compiled(input).plain;
    const result = compiled(input.type);
    if (!result.hasMatchFns) return result.plain;
    const targets: T[] = [];
    for (const entry of result.entries) {
      if (entry.match === undefined || predicateHolds(entry.match, input)) targets.push(entry.target);
    }
    return targets;
  }

  const router: Router<T> = {
    add(pathOrRoute: string | Route<T>, target?: T, priority?: number): Router<T> {
      if (typeof pathOrRoute === 'string') addRoute({ path: pathOrRoute, target: target as T, priority });
      else addRoute(pathOrRoute);
      return router;
    },
    route(input) {
      const targets = matching(input);
      if (targets.length === 0) {
        const type = typeof input === 'string' ? input : input.type;
        throw new AgentClusterError(ErrorCode.NO_ROUTE, `no handlers found for signal type "${type}"`, {
          details: { type },
        });
      }
      return targets;
    },
    match: matching,
    has(input) {
      return matching(input).length > 0;
    },
    remove(path, target) {
      validatePattern(path);
      const removed = removeAt(root, path.split('.'), (e) => e.pattern.path === path && (target === undefined || e.target === target));
      for (const entry of removed) registry.delete(entry);
      if (removed.length > 0) cache.clear();
      return removed.length;
    },
    get size() {
      return registry.size;
    },
    routes() {
      return [...registry].map((e) =>
        e.match === undefined
          ? { path: e.pattern.path, target: e.target, priority: e.priority }
          : { path: e.pattern.path, target: e.target, priority: e.priority, match: e.match },
      );
    },
  };

  for (const route of routes) addRoute(route);
  return router;
}

const EMPTY: Compiled<never> = { entries: NOTHING, plain: NOTHING, hasMatchFns: false };

/** Splits the sorted matches into what `route` hands out. */
function compile<T>(entries: RouteEntry<T>[]): Compiled<T> {
  if (entries.length === 0) return EMPTY;
  const plain: T[] = [];
  let hasMatchFns = false;
  for (const entry of entries) {
    if (entry.match === undefined) plain.push(entry.target);
    else hasMatchFns = true;
  }
  return { entries, plain: Object.freeze(plain), hasMatchFns };
}

function predicateHolds(match: MatchFn, signal: Signal): boolean {
  try {
    return match(signal) === true;
  } catch {
    // Jido's rule: a match function that raises is a non-match, not a routing failure.
    return false;
  }
}
