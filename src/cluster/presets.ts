/**
 * Cluster presets: one name (`CLUSTER_PRESET`) sets the failure detector, the load-report interval, the
 * quarantine recovery time and the workers' sticky schedule-to-start timeout together.
 *
 * | | development | production |
 * |---|---|---|
 * | lease heartbeat timeout / heartbeat every | 1.5 s / 250 ms | 2.5 s / 400 ms |
 * | probe (confirm) timeout | 1 s | 1.5 s |
 * | lease term | 5 min | 10 min |
 * | load report every (at least; grows past 2 reports/s for the cluster) | 1 s | 10 s |
 * | quarantine recovery | 10 s | 2 min |
 * | sticky schedule-to-start (a cached agent's stall when its worker dies) | 1 s | 2 s |
 *
 * Pure module.
 *
 * @module
 */
import { DETECTOR_PRESETS, type DetectorConfig } from './detector.js';
import { HEALTH_DEFAULTS, type HealthConfig } from './health.js';
import { MEMBERSHIP_DEFAULTS, type MembershipConfig } from './membership.js';

export interface ClusterPreset {
  detector: DetectorConfig;
  loadReportMs: number;
  recoveryMs: number;
  stickyTimeoutMs: number;
}

export const CLUSTER_PRESETS = {
  development: { detector: DETECTOR_PRESETS.development, loadReportMs: 1_000, recoveryMs: 10_000, stickyTimeoutMs: 1_000 },
  production: { detector: DETECTOR_PRESETS.production, loadReportMs: 10_000, recoveryMs: 120_000, stickyTimeoutMs: 2_000 },
} as const satisfies Record<string, ClusterPreset>;
export type ClusterPresetName = keyof typeof CLUSTER_PRESETS;

export function membershipConfig(p: ClusterPreset): MembershipConfig {
  return { ...MEMBERSHIP_DEFAULTS, detector: p.detector, loadReportMs: p.loadReportMs };
}

export function healthConfig(p: ClusterPreset): HealthConfig {
  return { ...HEALTH_DEFAULTS, recoveryMs: p.recoveryMs };
}
