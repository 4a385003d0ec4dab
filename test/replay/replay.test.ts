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
import { workflowBundle } from '../helpers/engines.js';

const DIR = path.join(import.meta.dirname, 'histories');
const files = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();

describe('replay of recorded histories', () => {
  it('has histories to replay', () => {
    expect(files.length).toBeGreaterThanOrEqual(3);
  });

  it.each(files)('replays %s deterministically', async (file) => {
    const history = historyFromJSON(JSON.parse(readFileSync(path.join(DIR, file), 'utf8')));
    await expect(Worker.runReplayHistory({ workflowBundle: workflowBundle() }, history, file)).resolves.toBeUndefined();
  });

  it('detects non-determinism (the check is live)', async () => {
    // Pretend the probe once ran another activity: today's code schedules measureNode, so replay must fail.
    const text = readFileSync(path.join(DIR, 'probe.json'), 'utf8');
    expect(text).toContain('"measureNode"');
    const broken = historyFromJSON(JSON.parse(text.replaceAll('"measureNode"', '"measureSomethingElse"')));
    await expect(Worker.runReplayHistory({ workflowBundle: workflowBundle() }, broken, 'broken')).rejects.toThrow(/[Nn]ondetermin/);
  });
});
