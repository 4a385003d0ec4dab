/**
 * Signal routing with Jido.Signal.Router's semantics: patterns over dot-separated signal types, all
 * matching targets returned, most specific first.
 *
 * ```ts
 * import { createRouter } from './router/index.js';
 *
 * const router = createRouter<string>()
 *   .add('cluster.node.announced', 'register-node')       // exact
 *   .add('cluster.node.*', 'track-node')                  // `*`: exactly one segment
 *   .add('cluster.**', 'audit', -10)                      // `**`: zero or more segments; priority -10
 *   .add({ path: 'cluster.node.*', target: 'page-oncall', match: (s) => s.subject === 'critical' });
 *
 * router.route(signal);         // ['register-node', 'track-node', ('page-oncall'), 'audit']
 * router.match('billing.paid'); // [] — `route` would throw NO_ROUTE ("no handlers found ...")
 * ```
 *
 * Order: specificity (see {@link patternSpecificity}), then priority (integer in [-100, 100], higher
 * first), then registration order. Invalid patterns (`a..b`, `us*er`, `**.**`) and priorities outside
 * the bounds throw `INVALID_PATTERN` with the reason. Pure and sandbox-safe.
 *
 * @module
 */
export {
  compilePattern,
  isValidPattern,
  matchesPattern,
  patternProblem,
  patternSpecificity,
  validatePattern,
  type CompiledPattern,
} from './pattern.js';
export {
  MAX_PRIORITY,
  MIN_PRIORITY,
  createRouter,
  type MatchFn,
  type Route,
  type Router,
  type RouterOptions,
} from './router.js';
