import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { validate as uuidValidate, version as uuidVersion } from 'uuid';
import { describe, expect, it } from 'vitest';
import { type AgentClusterError, ErrorCode } from '../../src/errors.js';
import { expectError } from '../helpers/errors.js';
import { seeded } from '../helpers/prng.js';
import {
  childCorrelation,
  createSignal,
  DEFAULT_SOURCE,
  isSignalId,
  isSignalLike,
  newSignalId,
  newSpanId,
  newTraceId,
  parseSignal,
  parseSignalInput,
  parseSignalJson,
  parseTraceparent,
  rootCorrelation,
  safeParseSignal,
  serializeSignal,
  signalCorrelation,
  signalIdTime,
  traceparent,
  type Signal,
} from '../../src/signal/index.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'signals');

const TRACE = '20c42062545a08e19f0bfc7f60164ab0';
const SPAN = '03536461412c3cbc';

/** A valid wire signal; each case below changes one attribute. */
const base = {
  specversion: '1.0.2',
  id: '019593fa-5d95-77d8-9673-993a5acd4237',
  source: '/cluster/node-a',
  type: 'cluster.node.announced',
} as const;


/** Runs `fn`, expects an INVALID_SIGNAL error and returns it. */
const invalidSignal = (fn: () => unknown): AgentClusterError => expectError(ErrorCode.INVALID_SIGNAL, fn);

describe('signal envelope: accepted attributes', () => {
  const cases: Array<[string, Record<string, unknown>]> = [
    ['the four required attributes alone', {}],
    ['a subject', { subject: 'node-a' }],
    ['a UTC time with milliseconds', { time: '2025-03-14T09:26:53.589Z' }],
    ['a time with microseconds (Elixir DateTime.to_iso8601)', { time: '2025-03-14T09:26:53.589123Z' }],
    ['a time with an offset', { time: '2025-03-14T10:26:53+01:00' }],
    ['a datacontenttype', { datacontenttype: 'text/plain' }],
    ['an https dataschema', { dataschema: 'https://example.com/schema.json' }],
    ['a urn dataschema', { dataschema: 'urn:agent-cluster:schema:node' }],
    ['object data', { data: { node: 'node-a', load: [0.5, 0.25] } }],
    ['array data', { data: [1, 'two', null] }],
    ['number data', { data: 0 }],
    ['boolean data', { data: false }],
    ['null data', { data: null }],
    ['non-empty string data', { data: 'hello' }],
    ['a dispatch extension (object)', { dispatch: { adapter: 'pid', opts: { target: 'x' } } }],
    ['a dispatch extension (list)', { dispatch: [{ adapter: 'logger', opts: { level: 'info' } }] }],
    ['a minimal correlation', { correlation: { trace_id: TRACE, span_id: SPAN } }],
    [
      'a full correlation',
      {
        correlation: {
          trace_id: TRACE,
          span_id: SPAN,
          parent_span_id: '5ee4951d19457c43',
          causation_id: base.id,
          tracestate: 'vendor=1',
        },
      },
    ],
    ['an unknown extension', { tenant: 'acme', x_priority: 3 }],
    ['a single-segment type', { type: 'heartbeat' }],
    ['a type with digits, _ and -', { type: 'cluster.node-2.state_changed' }],
  ];

  it.each(cases)('accepts %s and returns it unchanged', (_name, change) => {
    const input = { ...base, ...change };
    expect(parseSignal(input)).toStrictEqual(input);
  });
});

describe('signal envelope: rejected attributes name the attribute', () => {
  const cases: Array<[string, Record<string, unknown>, string, RegExp]> = [
    ['specversion "1.0"', { specversion: '1.0' }, 'specversion', /attribute "specversion" must be "1\.0\.2" \(got "1\.0"\)/],
    ['specversion "1.0.2" as a number', { specversion: 1.02 }, 'specversion', /must be "1\.0\.2"/],
    ['specversion missing', { specversion: undefined }, 'specversion', /missing required attribute "specversion"/],
    ['id empty', { id: '' }, 'id', /attribute "id" must be a UUID v7 \(got ""\)/],
    ['id a UUID v4', { id: '9b2c6a1e-4f7d-4c1a-9e8b-2d3f4a5b6c7d' }, 'id', /attribute "id" must be a UUID v7/],
    ['id upper-case', { id: '019593FA-5D95-77D8-9673-993A5ACD4237' }, 'id', /attribute "id" must be a UUID v7/],
    ['id with a bad variant', { id: '019593fa-5d95-77d8-1673-993a5acd4237' }, 'id', /attribute "id" must be a UUID v7/],
    ['id missing', { id: undefined }, 'id', /missing required attribute "id"/],
    ['source empty', { source: '' }, 'source', /attribute "source" must be a non-empty string/],
    ['source a number', { source: 7 }, 'source', /attribute "source" must be a non-empty string \(got 7\)/],
    ['source missing', { source: undefined }, 'source', /missing required attribute "source"/],
    ['type upper-case', { type: 'Cluster.Node.Announced' }, 'type', /attribute "type" must be dot-separated lowercase/],
    ['type with one upper-case letter', { type: 'cluster.node.Announced' }, 'type', /attribute "type"/],
    ['type with an empty segment', { type: 'cluster..announced' }, 'type', /attribute "type"/],
    ['type with a leading dot', { type: '.cluster.node' }, 'type', /attribute "type"/],
    ['type with a trailing dot', { type: 'cluster.node.' }, 'type', /attribute "type"/],
    ['type empty', { type: '' }, 'type', /attribute "type"/],
    ['type with a space', { type: 'cluster.node announced' }, 'type', /attribute "type"/],
    ['type with a wildcard', { type: 'cluster.*' }, 'type', /attribute "type"/],
    ['type missing', { type: undefined }, 'type', /missing required attribute "type"/],
    ['subject empty', { subject: '' }, 'subject', /attribute "subject" must be a non-empty string when present/],
    ['time not a timestamp', { time: 'yesterday' }, 'time', /attribute "time" must be an ISO-8601 timestamp/],
    ['time a date only', { time: '2025-03-14' }, 'time', /attribute "time"/],
    ['time without a zone', { time: '2025-03-14T09:26:53' }, 'time', /attribute "time"/],
    ['time a number', { time: 1741944413589 }, 'time', /attribute "time"/],
    ['datacontenttype empty', { datacontenttype: '' }, 'datacontenttype', /attribute "datacontenttype"/],
    ['dataschema not a URI', { dataschema: 'not a uri' }, 'dataschema', /attribute "dataschema" must be a URI/],
    ['data the empty string', { data: '' }, 'data', /attribute "data" must not be the empty string \(got ""\)/],
    ['data a Date', { data: new Date(0) }, 'data', /attribute "data" must be a JSON value \(got a Date\)/],
    ['data with a function inside', { data: { f: () => 1 } }, 'data', /attribute "data" must be a JSON value/],
    ['data NaN', { data: Number.NaN }, 'data', /attribute "data" must be a JSON value \(got NaN\)/],
    ['data a Map', { data: new Map() }, 'data', /attribute "data" must be a JSON value \(got a Map\)/],
    ['dispatch with undefined inside', { dispatch: [undefined] }, 'dispatch', /attribute "dispatch" must be a JSON value/],
    ['correlation not an object', { correlation: 'abc' }, 'correlation', /attribute "correlation" must be an object/],
    [
      'correlation.trace_id upper-case',
      { correlation: { trace_id: TRACE.toUpperCase(), span_id: SPAN } },
      'correlation',
      /attribute "correlation\.trace_id" must be 32 lowercase hex characters/,
    ],
    [
      'correlation.trace_id too short',
      { correlation: { trace_id: TRACE.slice(2), span_id: SPAN } },
      'correlation',
      /attribute "correlation\.trace_id"/,
    ],
    [
      'correlation.span_id missing',
      { correlation: { trace_id: TRACE } },
      'correlation',
      /missing required attribute "correlation\.span_id"/,
    ],
    [
      'correlation.parent_span_id malformed',
      { correlation: { trace_id: TRACE, span_id: SPAN, parent_span_id: 'xyz' } },
      'correlation',
      /attribute "correlation\.parent_span_id" must be 16 lowercase hex characters/,
    ],
    [
      'correlation.causation_id empty',
      { correlation: { trace_id: TRACE, span_id: SPAN, causation_id: '' } },
      'correlation',
      /attribute "correlation\.causation_id"/,
    ],
    ['an extension that is not JSON', { tenant: () => 'acme' }, 'tenant', /attribute "tenant" must be a JSON value \(got a function\)/],
  ];

  it.each(cases)('rejects %s', (_name, change, attribute, message) => {
    const input = { ...base, ...change };
    const error = invalidSignal(() => parseSignal(input));
    expect(error.message).toMatch(/^invalid signal: /);
    expect(error.message).toMatch(message);
    expect(error.details?.attribute).toBe(attribute);
    expect(error.terminal).toBe(true);
  });

  it('lists every problem in details.issues when several attributes are wrong', () => {
    const error = invalidSignal(() => parseSignal({ ...base, specversion: '1.0', type: 'Bad', subject: '' }));
    const paths = (error.details?.issues as Array<{ path: string }>).map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['specversion', 'type', 'subject']));
    expect(paths).toHaveLength(3);
  });

  it.each([
    ['a number', 42, 'number'],
    ['null', null, 'null'],
    ['an array', [base], 'array'],
    ['a string', 'cluster.node.announced', 'string'],
  ])('rejects %s in place of an object', (_name, input, got) => {
    const error = invalidSignal(() => parseSignal(input));
    expect(error.message).toBe(`invalid signal: expected an object (got ${got})`);
  });

  it('says the JSON is malformed, with the parser reason', () => {
    const error = invalidSignal(() => parseSignalJson('{"type":"a.b",'));
    expect(error.message).toMatch(/^invalid signal: malformed JSON \(.+\)$/);
    expect(error.cause).toBeInstanceOf(SyntaxError);
  });
});

describe('safeParseSignal', () => {
  it('returns the signal for a valid input', () => {
    expect(safeParseSignal(base)).toEqual({ ok: true, signal: base });
  });

  it('returns the same INVALID_SIGNAL error parseSignal would throw, without throwing', () => {
    const result = safeParseSignal({ ...base, specversion: '1.0' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe(ErrorCode.INVALID_SIGNAL);
    expect(result.error.message).toBe('invalid signal: attribute "specversion" must be "1.0.2" (got "1.0")');
  });
});

describe('unknown extension attributes', () => {
  it('keeps them through parse, serialise and parse again', () => {
    const input = { ...base, tenant: 'acme', x_route: { hops: [1, 2] } };
    const parsed = parseSignal(input);
    expect(parsed.tenant).toBe('acme');
    expect(parsed.x_route).toEqual({ hops: [1, 2] });
    expect(parseSignalJson(serializeSignal(parsed))).toEqual(input);
  });

  it('keeps unknown keys inside correlation too', () => {
    const correlation = { trace_id: TRACE, span_id: SPAN, baggage: 'k=v' };
    expect(parseSignal({ ...base, correlation }).correlation).toEqual(correlation);
  });
});

describe('signal recognition (isSignalLike)', () => {
  it.each([
    ['type + source + specversion', { type: 'a.b', source: '/x', specversion: '1.0.2' }, true],
    ['type + source + id', { type: 'a.b', source: '/x', id: 'anything' }, true],
    ['type + source only', { type: 'a.b', source: '/x' }, false],
    ['no type', { source: '/x', id: base.id }, false],
    ['no source', { type: 'a.b', id: base.id }, false],
    ['a non-string type', { type: 1, source: '/x', id: base.id }, false],
    ['null', null, false],
    ['an array', [base], false],
    ['a string', 'a.b', false],
  ])('%s → %s', (_name, value, expected) => {
    expect(isSignalLike(value)).toBe(expected);
  });
});

describe('parseSignalInput (Jido Signal.new semantics)', () => {
  it('fills in a v7 id and specversion "1.0.2" when they are missing', () => {
    const input = { type: 'cluster.node.announced', source: '/cluster/node-a', data: { node: 'a' } };
    const signal = parseSignalInput(input);
    expect(signal.specversion).toBe('1.0.2');
    expect(uuidValidate(signal.id)).toBe(true);
    expect(uuidVersion(signal.id)).toBe(7);
    expect(signal).toMatchObject(input);
    expect(input).not.toHaveProperty('id'); // the caller's object is left alone
  });

  it('keeps an id and specversion that are given', () => {
    expect(parseSignalInput({ ...base })).toEqual(base);
  });

  it('generates the same id from the same deterministic random source', () => {
    const input = { type: 'a.b', source: '/x' };
    expect(parseSignalInput(input, { random: seeded(1) }).id.slice(14)).toBe(
      parseSignalInput(input, { random: seeded(1) }).id.slice(14),
    );
  });

  it.each([
    ['an empty id', { id: '' }, 'id'],
    ['a wrong specversion', { specversion: '1.0' }, 'specversion'],
    ['an upper-case type', { type: 'A.B' }, 'type'],
    ['a missing source', { source: undefined }, 'source'],
  ])('still rejects %s', (_name, change, attribute) => {
    const { specversion: _s, id: _i, ...withoutBoth } = base;
    const error = invalidSignal(() => parseSignalInput({ ...withoutBoth, ...change }));
    expect(error.details?.attribute).toBe(attribute);
  });
});

describe('createSignal', () => {
  it('fills specversion, a v7 id, time, the default source and datacontenttype', () => {
    const before = Date.now();
    const signal = createSignal('cluster.node.announced', { node: 'node-a' });
    expect(signal.specversion).toBe('1.0.2');
    expect(uuidVersion(signal.id)).toBe(7);
    expect(signal.source).toBe(DEFAULT_SOURCE);
    expect(signal.datacontenttype).toBe('application/json');
    expect(signal.data).toEqual({ node: 'node-a' });
    expect(Date.parse(signal.time as string)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(signal.time as string)).toBeLessThanOrEqual(Date.now());
    expect(signalIdTime(signal.id)).toBeGreaterThanOrEqual(before);
  });

  it('sets no datacontenttype and no data when there is no data', () => {
    const signal = createSignal('cluster.rebalance.requested');
    expect(signal).not.toHaveProperty('data');
    expect(signal).not.toHaveProperty('datacontenttype');
  });

  it('takes id, time, source, subject and the other attributes from attrs', () => {
    const signal = createSignal('variable.temperature.changed', 0.65, {
      id: base.id,
      time: '2025-03-14T09:26:53.589Z',
      source: '/variables/temperature',
      subject: 'temperature',
      datacontenttype: 'application/vnd.agent-cluster+json',
      dataschema: 'https://agent-cluster.dev/schemas/variable.json',
      dispatch: { adapter: 'named', opts: { target: 'agent-1' } },
      correlation: { trace_id: TRACE, span_id: SPAN },
    });
    expect(signal).toStrictEqual({
      specversion: '1.0.2',
      id: base.id,
      source: '/variables/temperature',
      type: 'variable.temperature.changed',
      subject: 'temperature',
      time: '2025-03-14T09:26:53.589Z',
      datacontenttype: 'application/vnd.agent-cluster+json',
      dataschema: 'https://agent-cluster.dev/schemas/variable.json',
      data: 0.65,
      dispatch: { adapter: 'named', opts: { target: 'agent-1' } },
      correlation: { trace_id: TRACE, span_id: SPAN },
    });
  });

  it('flattens extensions to top-level attributes', () => {
    const signal = createSignal('a.b', undefined, { extensions: { tenant: 'acme', hops: 2 } });
    expect(signal.tenant).toBe('acme');
    expect(signal.hops).toBe(2);
    expect(signal).not.toHaveProperty('extensions');
    expect(JSON.parse(serializeSignal(signal))).toMatchObject({ tenant: 'acme', hops: 2 });
  });

  it.each([
    ['type', () => createSignal('Cluster.Node', {}), /attribute "type"/],
    ['data', () => createSignal('a.b', ''), /attribute "data" must not be the empty string/],
    ['data', () => createSignal('a.b', { when: new Date(0) }), /attribute "data" must be a JSON value/],
    ['id', () => createSignal('a.b', 1, { id: 'not-a-uuid' }), /attribute "id" must be a UUID v7/],
    ['time', () => createSignal('a.b', 1, { time: 'now' }), /attribute "time"/],
    ['source', () => createSignal('a.b', 1, { source: '' }), /attribute "source"/],
    ['type', () => createSignal('a.b', 1, { extensions: { type: 'x' } }), /extension "type" would overwrite/],
    ['dispatch', () => createSignal('a.b', 1, { dispatch: 1, extensions: { dispatch: 2 } }), /extension "dispatch"/],
    ['correlation', () => createSignal('a.b', 1, { correlation: { trace_id: 'x', span_id: SPAN } }), /correlation\.trace_id/],
  ])('rejects a bad "%s" with INVALID_SIGNAL naming it', (attribute, make, message) => {
    const error = invalidSignal(make);
    expect(error.message).toMatch(message);
    expect(error.details?.attribute).toBe(attribute);
  });

  it('makes replay-identical signals from a deterministic random source and fixed time', () => {
    const make = () =>
      createSignal('a.b', 1, { random: seeded(42), time: '2025-03-14T09:26:53.589Z' });
    const [a, b] = [make(), make()];
    // Same random bytes; the timestamp part comes from Date.now() (deterministic inside a workflow).
    expect(a.id.slice(14)).toBe(b.id.slice(14));
    expect(a.time).toBe(b.time);
  });
});

describe('serialisation round trip', () => {
  const signals: Array<[string, Signal]> = [
    ['a created signal with data', createSignal('cluster.node.announced', { node: 'a', load: 0.5 })],
    ['a created signal without data', createSignal('cluster.rebalance.requested')],
    [
      'a signal with every attribute and extensions',
      createSignal('variable.temperature.changed', [1, { deep: [null, true] }], {
        subject: 'temperature',
        dataschema: 'urn:x',
        dispatch: [{ adapter: 'pid', opts: {} }],
        correlation: { trace_id: TRACE, span_id: SPAN, parent_span_id: SPAN, causation_id: base.id, tracestate: 'a=b' },
        extensions: { tenant: 'acme', weight: 1.5 },
      }),
    ],
  ];

  it.each(signals)('parseSignalJson(serializeSignal(s)) deep-equals s: %s', (_name, signal) => {
    expect(parseSignalJson(serializeSignal(signal))).toStrictEqual(signal);
  });

  it('writes the flat CloudEvents form: extensions top-level, no wrapper keys', () => {
    const signal = createSignal('a.b', { x: 1 }, { dispatch: { adapter: 'noop', opts: {} }, correlation: { trace_id: TRACE, span_id: SPAN } });
    const wire = JSON.parse(serializeSignal(signal)) as Record<string, unknown>;
    expect(Object.keys(wire).sort()).toEqual(
      ['correlation', 'data', 'datacontenttype', 'dispatch', 'id', 'source', 'specversion', 'time', 'type'].sort(),
    );
    expect(wire.specversion).toBe('1.0.2');
  });
});

describe('signal ids (UUID v7)', () => {
  it('are valid v7 UUIDs by the uuid library, and match isSignalId', () => {
    for (let i = 0; i < 100; i++) {
      const id = newSignalId();
      expect(uuidValidate(id)).toBe(true);
      expect(uuidVersion(id)).toBe(7);
      expect(isSignalId(id)).toBe(true);
    }
  });

  it('sort in creation order, even many within one millisecond', () => {
    const ids = Array.from({ length: 5000 }, () => newSignalId());
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });

  it('sort by their timestamp across milliseconds', () => {
    const early = newSignalId(seeded(9), Date.parse('2025-01-01T00:00:00Z'));
    const late = newSignalId(seeded(1), Date.parse('2025-01-01T00:00:00.001Z'));
    expect(early < late).toBe(true);
  });

  it('carry their creation time', () => {
    const msecs = Date.parse('2025-03-14T09:26:53.589Z');
    expect(signalIdTime(newSignalId(seeded(3), msecs))).toBe(msecs);
    expect(signalIdTime('019593fa-5d95-77d8-9673-993a5acd4237')).toBe(msecs);
  });

  it('are identical for the same seeded random source and time (replay), different for another seed', () => {
    const msecs = 1_741_944_413_589;
    const a = newSignalId(seeded(7), msecs);
    expect(newSignalId(seeded(7), msecs)).toBe(a);
    expect(newSignalId(seeded(8), msecs)).not.toBe(a);
    expect(uuidVersion(a)).toBe(7);
  });

  it('are still valid when the random source returns extremes', () => {
    for (const r of [() => 0, () => 0.9999999999]) {
      const id = newSignalId(r, 0);
      expect(uuidValidate(id)).toBe(true);
      expect(isSignalId(id)).toBe(true);
    }
  });

  it.each([
    ['019593fa-5d95-77d8-9673-993a5acd4237', true],
    ['', false],
    ['9b2c6a1e-4f7d-4c1a-9e8b-2d3f4a5b6c7d', false],
    ['019593FA-5D95-77D8-9673-993A5ACD4237', false],
    ['019593fa5d9577d89673993a5acd4237', false],
    [42, false],
  ])('isSignalId(%j) → %s', (value, expected) => {
    expect(isSignalId(value)).toBe(expected);
  });
});

describe('correlation and W3C traceparent', () => {
  it('renders traceparent as 00-{trace_id}-{span_id}-01', () => {
    expect(traceparent({ trace_id: TRACE, span_id: SPAN })).toBe(`00-${TRACE}-${SPAN}-01`);
  });

  it('parses a traceparent back into a correlation', () => {
    expect(parseTraceparent(`00-${TRACE}-${SPAN}-01`)).toEqual({ trace_id: TRACE, span_id: SPAN });
    expect(parseTraceparent(`00-${TRACE}-${SPAN}-00`)).toEqual({ trace_id: TRACE, span_id: SPAN });
    expect(parseTraceparent(`01-${TRACE}-${SPAN}-01-future`)).toEqual({ trace_id: TRACE, span_id: SPAN });
  });

  it.each([
    ['garbage', 'not-a-header', /expected "00-/],
    ['upper-case hex', `00-${TRACE.toUpperCase()}-${SPAN}-01`, /expected "00-/],
    ['a short trace id', `00-${TRACE.slice(1)}-${SPAN}-01`, /expected "00-/],
    ['version ff', `ff-${TRACE}-${SPAN}-01`, /version ff/],
    ['extra fields on version 00', `00-${TRACE}-${SPAN}-01-x`, /exactly four fields/],
    ['an all-zero trace id', `00-${'0'.repeat(32)}-${SPAN}-01`, /trace id must not be all zeros/],
    ['an all-zero span id', `00-${TRACE}-${'0'.repeat(16)}-01`, /span id must not be all zeros/],
  ])('rejects a traceparent with %s', (_name, header, message) => {
    const error = invalidSignal(() => parseTraceparent(header));
    expect(error.message).toMatch(message);
    expect(error.details?.attribute).toBe('traceparent');
  });

  it('makes a child: same trace, new span, parent = the parent span, causation kept', () => {
    const parent = { trace_id: TRACE, span_id: SPAN, tracestate: 'v=1' };
    expect(childCorrelation(parent, '5ee4951d19457c43', base.id)).toEqual({
      trace_id: TRACE,
      span_id: '5ee4951d19457c43',
      parent_span_id: SPAN,
      causation_id: base.id,
      tracestate: 'v=1',
    });
  });

  it('draws the child span from a supplied random source, deterministically', () => {
    const parent = { trace_id: TRACE, span_id: SPAN };
    const a = childCorrelation(parent, seeded(5));
    expect(a.span_id).toMatch(/^[0-9a-f]{16}$/);
    expect(a.span_id).not.toBe(SPAN);
    expect(childCorrelation(parent, seeded(5))).toEqual(a);
    expect(parseSignal({ ...base, correlation: a }).correlation).toEqual(a);
  });

  it('rejects a malformed child span id', () => {
    const error = invalidSignal(() => childCorrelation({ trace_id: TRACE, span_id: SPAN }, 'XYZ'));
    expect(error.message).toMatch(/correlation\.span_id/);
  });

  it('starts new traces with valid ids, never all zeros', () => {
    const root = rootCorrelation(seeded(11));
    expect(root.trace_id).toMatch(/^[0-9a-f]{32}$/);
    expect(root.span_id).toMatch(/^[0-9a-f]{16}$/);
    expect(newTraceId(() => 0)).not.toMatch(/^0+$/);
    expect(newSpanId(() => 0)).not.toMatch(/^0+$/);
  });

  it('reads trace context from a correlation object or from jido_signal flat trace attributes', () => {
    const own = parseSignal({ ...base, correlation: { trace_id: TRACE, span_id: SPAN } });
    expect(signalCorrelation(own)).toEqual({ trace_id: TRACE, span_id: SPAN });
    const flat = parseSignal({ ...base, traceparent: `00-${TRACE}-${SPAN}-01`, parent_span_id: '5ee4951d19457c43' });
    expect(signalCorrelation(flat)).toEqual({ trace_id: TRACE, span_id: SPAN, parent_span_id: '5ee4951d19457c43' });
    const legacy = parseSignal({ ...base, trace_id: TRACE, span_id: SPAN });
    expect(signalCorrelation(legacy)).toEqual({ trace_id: TRACE, span_id: SPAN });
    expect(signalCorrelation(parseSignal(base))).toBeUndefined();
    expect(signalCorrelation(parseSignal({ ...base, trace_id: 'nope', span_id: SPAN }))).toBeUndefined();
  });
});

describe('fixtures in jido_signal 2.x wire form', () => {
  const valid = readdirSync(FIXTURES).filter((f) => f.endsWith('.json'));
  const invalid = readdirSync(join(FIXTURES, 'invalid')).filter((f) => f.endsWith('.json'));

  it('has the fixtures this suite relies on', () => {
    expect(valid).toEqual(expect.arrayContaining(['cluster-node-announced.json', 'variable-temperature-changed.json']));
    expect(invalid.length).toBeGreaterThanOrEqual(10);
  });

  it.each(valid)('%s parses and re-serialises to the same JSON value', (file) => {
    const text = readFileSync(join(FIXTURES, file), 'utf8');
    const signal = parseSignalJson(text);
    expect(signal.specversion).toBe('1.0.2');
    expect(JSON.parse(serializeSignal(signal))).toStrictEqual(JSON.parse(text));
  });

  it.each(invalid)('invalid/%s is rejected naming its attribute', (file) => {
    const path = file.slice(0, file.indexOf('--'));
    const text = readFileSync(join(FIXTURES, 'invalid', file), 'utf8');
    const error = invalidSignal(() => parseSignalJson(text));
    if (path === 'json') {
      expect(error.message).toMatch(/malformed JSON/);
      return;
    }
    expect(error.details?.attribute).toBe(path.split('.')[0]);
    expect(error.details?.path).toBe(path);
    expect(error.message).toContain(`"${path}"`);
  });

  it('reads the jido trace-extension fixture as a correlation', () => {
    const signal = parseSignalJson(readFileSync(join(FIXTURES, 'jido-trace-attributes.json'), 'utf8'));
    expect(signalCorrelation(signal)).toEqual({
      trace_id: '20c42062545a08e19f0bfc7f60164ab0',
      span_id: 'c62d7517594dc8d2',
      parent_span_id: '5ee4951d19457c43',
    });
  });
});
