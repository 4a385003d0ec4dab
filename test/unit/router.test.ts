import { describe, expect, it } from 'vitest';
import { type AgentClusterError, ErrorCode } from '../../src/errors.js';
import {
  compilePattern,
  createRouter,
  isValidPattern,
  matchesPattern,
  patternProblem,
  patternSpecificity,
  validatePattern,
  type Route,
} from '../../src/router/index.js';
import { createSignal, type Signal } from '../../src/signal/index.js';
import { expectError } from '../helpers/errors.js';

const failure = (code: ErrorCode, fn: () => unknown): AgentClusterError => expectError(code, fn);

const signal = (type: string, data?: unknown, subject?: string): Signal =>
  createSignal(type, data, subject === undefined ? {} : { subject });

describe('route patterns: validity', () => {
  it.each(['a', 'user.created', 'user.*', '*', '**', 'audit.**', '**.failed', 'a.**.z', 'A-b_c.9', '*.*', 'a.*.**', '**.a.**'])(
    'accepts %j',
    (pattern) => {
      expect(patternProblem(pattern)).toBeUndefined();
      expect(isValidPattern(pattern)).toBe(true);
      expect(compilePattern(pattern).segments).toEqual(pattern.split('.'));
    },
  );

  it.each([
    ['', /the pattern is empty/],
    ['a..b', /segment 2 is empty/],
    ['.a', /starts with a dot/],
    ['a.', /ends with a dot/],
    ['.', /starts with a dot/],
    ['us*er', /segment "us\*er" mixes "\*" with other characters/],
    ['user.*d', /segment "\*d" mixes/],
    ['***', /segment "\*\*\*" mixes/],
    ['**.**', /"\*\*\.\*\*" is not allowed/],
    ['a.**.**.b', /"\*\*\.\*\*" is not allowed/],
    ['user created', /characters outside \[a-zA-Z0-9_-\]/],
    ['user/created', /characters outside/],
    ['user.created!', /characters outside/],
    ['café.opened', /characters outside/],
  ])('rejects %j with INVALID_PATTERN and the reason', (pattern, reason) => {
    const error = failure(ErrorCode.INVALID_PATTERN, () => validatePattern(pattern));
    expect(error.message).toMatch(reason);
    expect(error.message).toContain(`"${pattern}"`);
    expect(error.details?.reason).toMatch(reason);
    expect(isValidPattern(pattern)).toBe(false);
    failure(ErrorCode.INVALID_PATTERN, () => createRouter().add(pattern, 'x'));
  });

  it('rejects a pattern that is not a string', () => {
    const error = failure(ErrorCode.INVALID_PATTERN, () => validatePattern(5));
    expect(error.message).toMatch(/must be a string \(got number\)/);
  });
});

describe('route patterns: matching', () => {
  const cases: Array<[string, string, boolean]> = [
    ['user.created', 'user.created', true],
    ['user.created', 'user.created.v2', false],
    ['user.created', 'user', false],
    ['user.created', 'User.created', false],
    ['user.*', 'user.created', true],
    ['user.*', 'user.profile.updated', false],
    ['user.*', 'user', false],
    ['*', 'user', true],
    ['*', 'user.created', false],
    ['*.created', 'user.created', true],
    ['*.created', 'created', false],
    ['audit.**', 'audit', true],
    ['audit.**', 'audit.x', true],
    ['audit.**', 'audit.x.y', true],
    ['audit.**', 'auditx', false],
    ['audit.**', 'other.audit', false],
    ['**', 'a', true],
    ['**', 'a.b.c.d', true],
    ['**.failed', 'failed', true],
    ['**.failed', 'job.step.failed', true],
    ['**.failed', 'failed.job', false],
    ['a.**.z', 'a.z', true],
    ['a.**.z', 'a.b.z', true],
    ['a.**.z', 'a.b.c.z', true],
    ['a.**.z', 'a.b', false],
    ['a.*.**', 'a', false],
    ['a.*.**', 'a.b', true],
    ['a.*.**', 'a.b.c.d', true],
    ['**', 'a..b', false],
    ['**', '', false],
  ];

  it.each(cases)('%j against %j → %s (router and matchesPattern agree)', (pattern, type, expected) => {
    expect(matchesPattern(pattern, type)).toBe(expected);
    const router = createRouter<string>().add(pattern, 'target');
    expect(router.match(type)).toEqual(expected ? ['target'] : []);
    expect(router.has(type)).toBe(expected);
  });
});

describe('route priorities', () => {
  it.each([-100, -1, 0, 1, 100])('accepts priority %d', (priority) => {
    expect(createRouter<string>().add('a.b', 'x', priority).routes()).toEqual([{ path: 'a.b', target: 'x', priority }]);
  });

  it('defaults the priority to 0', () => {
    expect(createRouter<string>().add('a.b', 'x').routes()[0]?.priority).toBe(0);
  });

  it.each([101, -101, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '5' as unknown as number])(
    'rejects priority %j with INVALID_PATTERN',
    (priority) => {
      const error = failure(ErrorCode.INVALID_PATTERN, () => createRouter<string>().add('a.b', 'x', priority));
      expect(error.message).toMatch(/priority must be an integer in \[-100, 100\]/);
      expect(error.message).toContain('"a.b"');
    },
  );

  it('rejects a match that is not a function', () => {
    const route = { path: 'a.b', target: 'x', match: 'yes' } as unknown as Route<string>;
    const error = failure(ErrorCode.INVALID_PATTERN, () => createRouter<string>([route]));
    expect(error.message).toMatch(/match must be a function/);
  });
});

describe('result order', () => {
  it('orders by specificity: more exact segments, earlier exact segments, "*" over "**"', () => {
    const mostSpecificFirst = [
      'user.profile.updated',
      'user.profile.*',
      'user.*.updated',
      'user.**.updated',
      '*.profile.updated',
      'user.*.*',
      'user.*.**',
      'user.**',
      '*.*.updated',
      '**.updated',
      '*.*.*',
      '**',
    ];
    // Registered least specific first, so registration order cannot explain the result.
    const router = createRouter<string>([...mostSpecificFirst].reverse().map((path) => ({ path, target: path })));
    expect(router.route('user.profile.updated')).toEqual(mostSpecificFirst);
    const scores = mostSpecificFirst.map((p) => patternSpecificity(p.split('.')));
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });

  it('puts a more specific route first even when a less specific one has a higher priority', () => {
    const router = createRouter<string>()
      .add('user.*', 'wildcard', 100)
      .add('user.created', 'exact', -100)
      .add('**', 'catch-all', 100);
    expect(router.route('user.created')).toEqual(['exact', 'wildcard', 'catch-all']);
  });

  it('breaks specificity ties by priority, higher first', () => {
    const router = createRouter<string>()
      .add('user.created', 'low', -5)
      .add('user.created', 'high', 50)
      .add('user.created', 'default');
    expect(router.route('user.created')).toEqual(['high', 'default', 'low']);
  });

  it('breaks specificity and priority ties by registration order', () => {
    const router = createRouter<string>().add('user.*', 'first').add('user.*', 'second', 0).add('user.*', 'third');
    expect(router.route('user.created')).toEqual(['first', 'second', 'third']);
  });

  it('returns each route once even when "**" reaches it along two paths', () => {
    const router = createRouter<string>().add('**.b.**', 'twice');
    expect(router.route('b.b')).toEqual(['twice']);
  });

  it('returns all matching targets, not just the best one', () => {
    const router = createRouter<string>([
      { path: 'cluster.node.announced', target: 'register' },
      { path: 'cluster.node.*', target: 'track' },
      { path: 'cluster.**', target: 'audit' },
      { path: 'billing.**', target: 'billing' },
    ]);
    expect(router.route(signal('cluster.node.announced'))).toEqual(['register', 'track', 'audit']);
  });
});

describe('match functions', () => {
  const vip = (s: Signal) => (s.data as { vip?: boolean } | undefined)?.vip === true;

  it('matches only signals for which the predicate returns true', () => {
    const router = createRouter<string>([
      { path: 'user.created', target: 'welcome' },
      { path: 'user.created', target: 'vip-welcome', match: vip, priority: 10 },
    ]);
    expect(router.route(signal('user.created', { vip: true }))).toEqual(['vip-welcome', 'welcome']);
    expect(router.route(signal('user.created', { vip: false }))).toEqual(['welcome']);
  });

  it('sees the whole signal (subject, extensions), not just the type', () => {
    const router = createRouter<string>().add({ path: 'cluster.node.*', target: 'page', match: (s) => s.subject === 'critical' });
    expect(router.match(signal('cluster.node.down', null, 'critical'))).toEqual(['page']);
    expect(router.match(signal('cluster.node.down', null, 'minor'))).toEqual([]);
  });

  it('treats a throwing predicate, or one returning a truthy non-true value, as no match', () => {
    const router = createRouter<string>([
      { path: 'a.b', target: 'throws', match: () => { throw new Error('boom'); } },
      { path: 'a.b', target: 'truthy', match: () => 1 as unknown as boolean },
      { path: 'a.b', target: 'plain' },
    ]);
    expect(router.route(signal('a.b'))).toEqual(['plain']);
  });

  it('is NO_ROUTE when the only matching route has a predicate that says no', () => {
    const router = createRouter<string>().add({ path: 'a.b', target: 'x', match: () => false });
    failure(ErrorCode.NO_ROUTE, () => router.route(signal('a.b')));
    expect(router.has(signal('a.b'))).toBe(false);
  });

  it('skips predicate routes when routing a bare type (they need the signal)', () => {
    const router = createRouter<string>().add({ path: 'a.b', target: 'guarded', match: () => true }).add('a.*', 'open');
    expect(router.route('a.b')).toEqual(['open']);
    expect(router.route(signal('a.b'))).toEqual(['guarded', 'open']);
  });
});

describe('no matching route', () => {
  const router = createRouter<string>().add('user.*', 'x');

  it('route throws NO_ROUTE: no handlers found for signal type', () => {
    const error = failure(ErrorCode.NO_ROUTE, () => router.route(signal('billing.invoice.paid')));
    expect(error.message).toBe('no handlers found for signal type "billing.invoice.paid"');
    expect(error.details).toEqual({ type: 'billing.invoice.paid' });
  });

  it('match returns an empty array and has returns false', () => {
    expect(router.match('billing.paid')).toEqual([]);
    expect(router.has('billing.paid')).toBe(false);
  });

  it('an empty router routes nothing', () => {
    failure(ErrorCode.NO_ROUTE, () => createRouter().route('a'));
  });
});

describe('changing routes', () => {
  it('sees a route added after a type was already routed (the cache is invalidated)', () => {
    const router = createRouter<string>().add('user.*', 'wildcard');
    expect(router.route('user.created')).toEqual(['wildcard']);
    router.add('user.created', 'exact');
    expect(router.route('user.created')).toEqual(['exact', 'wildcard']);
  });

  it('remove(path) drops every route of exactly that pattern and reports how many', () => {
    const router = createRouter<string>().add('user.*', 'a').add('user.*', 'b').add('user.created', 'c').add('user.**', 'd');
    expect(router.route('user.created')).toEqual(['c', 'a', 'b', 'd']);
    expect(router.remove('user.*')).toBe(2);
    expect(router.size).toBe(2);
    expect(router.route('user.created')).toEqual(['c', 'd']);
    expect(router.remove('user.*')).toBe(0);
    expect(router.remove('user')).toBe(0);
  });

  it('remove(path, target) drops only that target', () => {
    const router = createRouter<string>().add('user.*', 'a').add('user.*', 'b');
    expect(router.remove('user.*', 'b')).toBe(1);
    expect(router.route('user.x')).toEqual(['a']);
  });

  it('routes nothing after its last route is removed', () => {
    const router = createRouter<string>().add('a.**', 'x');
    router.remove('a.**');
    expect(router.size).toBe(0);
    expect(router.match('a.b')).toEqual([]);
  });

  it('remove rejects an invalid pattern', () => {
    failure(ErrorCode.INVALID_PATTERN, () => createRouter().remove('a..b'));
  });

  it('lists its routes in registration order', () => {
    const match = () => true;
    const router = createRouter<string>().add('b', 'x', 3).add({ path: 'a.*', target: 'y', match });
    expect(router.routes()).toEqual([
      { path: 'b', target: 'x', priority: 3 },
      { path: 'a.*', target: 'y', priority: 0, match },
    ]);
    expect(router.size).toBe(2);
  });

  it('returns results callers cannot corrupt (frozen)', () => {
    const router = createRouter<string>().add('a', 'x');
    const result = router.route('a') as string[];
    expect(() => result.push('y')).toThrow(TypeError);
    expect(router.route('a')).toEqual(['x']);
  });
});

describe('scale', () => {
  it('routes correctly with 1,000 routes and a cache smaller than the set of types', () => {
    const routes: Array<Route<number>> = [];
    for (let i = 0; i < 1000; i++) routes.push({ path: `d${i % 10}.e${i}.changed`, target: i });
    routes.push({ path: 'd3.**', target: -1, priority: 5 });
    const router = createRouter(routes, { cacheSize: 16 });
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 1000; i++) {
        expect(router.route(`d${i % 10}.e${i}.changed`)).toEqual(i % 10 === 3 ? [i, -1] : [i]);
      }
    }
    expect(router.match('d1.e3.changed')).toEqual([]);
  });

  it('rejects a bad cacheSize', () => {
    failure(ErrorCode.INVALID_CONFIG, () => createRouter([], { cacheSize: -1 }));
  });
});
