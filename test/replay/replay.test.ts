/**
 * Recorded histories (test/replay/histories, made by scripts/record-histories.ts) replayed against
 * today's workflow code. A failure here means a change would break agents that are running now: make it
 * with workflow versioning (`patched()`), not by re-recording.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { Worker } from '@temporalio/worker';
import { safeParseSignal } from '../../src/signal/index.js';
import { testWorkflowBundle, workflowBundle } from '../helpers/engines.js';

const DIR = path.join(import.meta.dirname, 'histories');
const files = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();

describe('replay of recorded histories', () => {
  it('has histories of both runtime versions to replay', () => {
    expect(files.filter((f) => !f.startsWith('v2-')).length).toBeGreaterThanOrEqual(4);
    expect(files.filter((f) => f.startsWith('v2-')).length).toBeGreaterThanOrEqual(7);
  });

  // Production kinds replay against the production bundle; the test-only `load` kind against the test bundle.
  it.each(files)('replays %s deterministically', async (file) => {
    const json = JSON.parse(readFileSync(path.join(DIR, file), 'utf8')) as { events: Array<{ workflowExecutionStartedEventAttributes?: { workflowType?: { name?: string } } }> };
    const type = json.events[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name;
    const bundle = type === 'load' ? testWorkflowBundle() : workflowBundle();
    await expect(Worker.runReplayHistory({ workflowBundle: bundle }, historyFromJSON(json), file)).resolves.toBeUndefined();
  });

  it('detects non-determinism (the check is live)', async () => {
    // Pretend the probe once ran another activity: today's code schedules measureNode, so replay must fail.
    const text = readFileSync(path.join(DIR, 'probe.json'), 'utf8');
    expect(text).toContain('"measureNode"');
    const broken = historyFromJSON(JSON.parse(text.replaceAll('"measureNode"', '"measureSomethingElse"')));
    await expect(Worker.runReplayHistory({ workflowBundle: workflowBundle() }, broken, 'broken')).rejects.toThrow(/[Nn]ondetermin/);
  });
});

describe('what the runtime-v2 histories record', () => {
  const events = (file: string): Array<Record<string, unknown> & { eventType: string }> =>
    (JSON.parse(readFileSync(path.join(DIR, file), 'utf8')) as { events: Array<Record<string, unknown> & { eventType: string }> }).events;
  const types = (file: string): string[] => events(file).map((e) => e.eventType.replace(/^EVENT_TYPE_/, ''));

  it('a hard-ceiling run continues-as-new with its activity still in flight, and the next run dispatches it again', () => {
    const first = types('v2-load-hard-ceiling.json');
    expect(first.at(-1)).toBe('WORKFLOW_EXECUTION_CONTINUED_AS_NEW');
    expect(first.filter((t) => t === 'ACTIVITY_TASK_SCHEDULED')).toHaveLength(1);
    expect(first.filter((t) => t.startsWith('ACTIVITY_TASK_') && t !== 'ACTIVITY_TASK_SCHEDULED')).toEqual([]);
    expect(types('v2-load-after-ceiling.json').filter((t) => t === 'ACTIVITY_TASK_SCHEDULED')).toHaveLength(1);
  });

  it('the edited call envelope is one today’s parser refuses (so the replay really tests the handler)', () => {
    const accepted = events('v2-call-accepted-by-older-validator.json').find((e) => e.eventType === 'EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED') as unknown as {
      workflowExecutionUpdateAcceptedEventAttributes: { acceptedRequest: { input: { args: { payloads: Array<{ data: string }> } } } };
    };
    const data = accepted.workflowExecutionUpdateAcceptedEventAttributes.acceptedRequest.input.args.payloads[0]?.data ?? '';
    const envelope: unknown = JSON.parse(Buffer.from(data, 'base64').toString('utf8'));
    expect(safeParseSignal(envelope)).toMatchObject({ ok: false, error: { message: expect.stringMatching(/specversion/) } });
  });

  it('a stop upserts AgentStatus = stopping before stopped, and a pending timer travels as data in the input', () => {
    const last = events('v2-accumulator-last-run.json');
    const upserts = last
      .filter((e) => e.eventType === 'EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES')
      .map((e) => JSON.stringify(e.upsertWorkflowSearchAttributesEventAttributes));
    const statuses = upserts.map((u) => (u.includes(Buffer.from('"stopping"').toString('base64')) ? 'stopping' : u.includes(Buffer.from('"stopped"').toString('base64')) ? 'stopped' : 'other'));
    expect(statuses.filter((s) => s !== 'other')).toEqual(['stopping', 'stopped']);
    const started = last[0] as unknown as { workflowExecutionStartedEventAttributes: { input: { payloads: Array<{ data: string }> } } };
    const input = JSON.parse(Buffer.from(started.workflowExecutionStartedEventAttributes.input.payloads[0]?.data ?? '', 'base64').toString('utf8')) as {
      carried: { timers: unknown[]; inbox: unknown[] };
    };
    expect(input.carried.timers).toEqual([{ at: expect.any(Number), seq: 0, signal: { type: 'accumulator.add', data: { amount: 5 } } }]);
    expect(input.carried.inbox).toEqual([]);
  });
});
