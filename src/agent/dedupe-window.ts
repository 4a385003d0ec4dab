/**
 * A bounded window of recently seen signal ids: the exactly-once filter of an agent. Lookups and inserts
 * are O(1); the oldest id is forgotten when the window is full. Serialises to a plain array (oldest first)
 * so it can cross continue-as-new as JSON. Pure module.
 *
 * @module
 */
export class DedupeWindow {
  private readonly ids = new Set<string>();
  private readonly ring: string[];
  private next = 0;

  constructor(
    readonly capacity: number,
    initial: readonly string[] = [],
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('DedupeWindow capacity must be a positive integer');
    this.ring = new Array<string>(capacity);
    const start = Math.max(0, initial.length - capacity);
    for (let i = start; i < initial.length; i++) this.add(initial[i] as string);
  }

  get size(): number {
    return this.ids.size;
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  /** Remembers `id`; returns false (and changes nothing) when it was already in the window. */
  add(id: string): boolean {
    if (this.ids.has(id)) return false;
    const evicted = this.ring[this.next];
    if (evicted !== undefined) this.ids.delete(evicted);
    this.ring[this.next] = id;
    this.next = (this.next + 1) % this.capacity;
    this.ids.add(id);
    return true;
  }

  /** The ids, oldest first. */
  toJSON(): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.capacity; i++) {
      const id = this.ring[(this.next + i) % this.capacity];
      if (id !== undefined) out.push(id);
    }
    return out;
  }
}
