/**
 * Per-agent send coalescing: at most one signal RPC in flight per agent from one client; sends made
 * meanwhile wait and go together in the next RPC as one `jido.signals` batch (in order, up to
 * {@link OUTBOX_BATCH_BYTES}). Temporal's guidance is a few signals per second per workflow, sustained:
 * a burst of sends to one agent then costs one history event per round trip instead of one per signal,
 * and never floods the agent's workflow task with buffered signals (the server force-fails a workflow
 * task once 100 events are buffered behind it, and the worker then replays the whole run).
 *
 * Each send resolves when the RPC carrying it succeeds, and rejects with that RPC's error; a batch given
 * by `sendBatch` is never split. Exactly-once effect is unchanged: every signal keeps its id.
 *
 * @module
 */
import type { Signal } from '../signal/index.js';

/** Largest coalesced RPC payload (Temporal refuses payloads over 2 MiB). */
export const OUTBOX_BATCH_BYTES = 1.5 * 1024 * 1024;

interface Parcel {
  signals: Signal[];
  /** Sent as `jido.signals` even alone (it came from `sendBatch`). */
  batch: boolean;
  bytes: number;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/** Delivers signals to one agent: one signal as `jido.signal`, several as one `jido.signals` batch. */
export type Deliver = (agentId: string, signals: Signal[], asBatch: boolean) => Promise<void>;

export class Outbox {
  private readonly lanes = new Map<string, Parcel[]>();

  constructor(private readonly deliver: Deliver) {}

  /** Queues signals for an agent; resolves when the RPC that carries them has succeeded. */
  send(agentId: string, signals: Signal[], bytes: number, batch: boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      const lane = this.lanes.get(agentId);
      const parcel: Parcel = { signals, batch, bytes, resolve, reject };
      if (lane !== undefined) {
        lane.push(parcel); // an RPC is in flight: this goes with the next one
        return;
      }
      this.lanes.set(agentId, [parcel]);
      void this.pump(agentId);
    });
  }

  private async pump(agentId: string): Promise<void> {
    const lane = this.lanes.get(agentId) as Parcel[];
    while (lane.length > 0) {
      let bytes = 0;
      let n = 0;
      while (n < lane.length && (n === 0 || bytes + (lane[n] as Parcel).bytes <= OUTBOX_BATCH_BYTES)) bytes += (lane[n++] as Parcel).bytes;
      const parcels = lane.slice(0, n);
      const signals = parcels.flatMap((p) => p.signals);
      try {
        await this.deliver(agentId, signals, parcels.length > 1 || (parcels[0] as Parcel).batch);
        for (const p of parcels) p.resolve();
      } catch (err) {
        for (const p of parcels) p.reject(err);
      }
      lane.splice(0, n);
    }
    this.lanes.delete(agentId);
  }
}
