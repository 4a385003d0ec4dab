import { expect } from 'vitest';
import { AgentClusterError, type ErrorCode } from '../../src/errors.js';

/** Runs `fn`, expects it to throw an {@link AgentClusterError} of `code`, and returns the error. */
export function expectError(code: ErrorCode, fn: () => unknown): AgentClusterError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(AgentClusterError);
  expect((caught as AgentClusterError).code).toBe(code);
  return caught as AgentClusterError;
}
