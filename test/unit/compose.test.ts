// docker-compose.yml is what a user runs past one machine. No Docker engine runs where these tests
// do, so the file is checked by parsing it: the topology, the wiring and the pins.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { TEMPORAL_SERVER_VERSION, TEMPORAL_UI_VERSION } from '../../src/infra/tools/index.js';

const root = join(import.meta.dirname, '..', '..');

interface Service {
  image?: string;
  build?: { context?: string; dockerfile?: string } | string;
  environment?: Record<string, string | number> | string[];
  ports?: (string | { published?: string | number; target?: number })[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  entrypoint?: string | string[];
  command?: string | string[];
}

// Compose accepts `<<` merge keys (YAML 1.1); the yaml package needs to be told.
const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
};
const services = compose.services;
const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');

function env(service: Service): Record<string, string> {
  const raw = service.environment ?? {};
  if (Array.isArray(raw)) return Object.fromEntries(raw.map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
  return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, String(v)]));
}

function published(service: Service): string[] {
  return (service.ports ?? []).map((p) => (typeof p === 'string' ? p.split(':')[0]! : String(p.published)));
}

function dependsOn(service: Service): string[] {
  const deps = service.depends_on ?? [];
  return Array.isArray(deps) ? deps : Object.keys(deps);
}

function script(service: Service): string {
  return [service.entrypoint, service.command].flat().filter((x) => x !== undefined).join('\n');
}

const workers = Object.entries(services).filter(([, s]) => s.build !== undefined);

describe('docker-compose.yml', () => {
  it('runs PostgreSQL, the Temporal server on it, an admin step and the Web UI', () => {
    expect(services.postgresql?.image).toBe('postgres:16');
    expect(services.temporal?.image).toBe(`temporalio/auto-setup:${TEMPORAL_SERVER_VERSION}`);
    expect(env(services.temporal!)).toMatchObject({ DB: 'postgres12', POSTGRES_SEEDS: 'postgresql' });
    expect(dependsOn(services.temporal!)).toContain('postgresql');
    expect(services['temporal-admin']?.image).toMatch(/^temporalio\/admin-tools:1\.29/);
    expect(services['temporal-ui']?.image).toBe(`temporalio/ui:${TEMPORAL_UI_VERSION}`);
    expect(env(services['temporal-ui']!).TEMPORAL_ADDRESS).toBe('temporal:7233');
  });

  it('pins every image to a version', () => {
    for (const [name, service] of Object.entries(services)) {
      if (service.image === undefined) continue;
      expect(service.image, name).toMatch(/:[0-9][^:]*$/);
    }
  });

  it('publishes the Temporal frontend on 7233 and the Web UI on 8080', () => {
    expect(published(services.temporal!)).toContain('7233');
    expect(published(services['temporal-ui']!)).toContain('8080');
  });

  it('registers AgentKind, AgentNode and AgentStatus as Keyword search attributes against temporal:7233', () => {
    const admin = services['temporal-admin']!;
    expect(env(admin).TEMPORAL_ADDRESS).toBe('temporal:7233');
    expect(dependsOn(admin)).toContain('temporal');
    const text = script(admin);
    expect(text).toContain('temporal operator search-attribute create');
    expect(text).toContain('--type Keyword');
    for (const name of ['AgentKind', 'AgentNode', 'AgentStatus']) expect(text).toContain(name);
    // Compose interpolates `$x` itself; shell variables must be written `$$x`.
    expect(text).not.toMatch(/(^|[^$])\$[A-Za-z_{(]/);
  });

  it('runs three node workers with distinct NODE_IDs, all pointed at temporal:7233', () => {
    expect(workers.map(([name]) => name).sort()).toEqual(['node-a', 'node-b', 'node-c']);
    const ids = workers.map(([, s]) => env(s).NODE_ID);
    expect(new Set(ids).size).toBe(3);
    expect(ids.sort()).toEqual(['node-a', 'node-b', 'node-c']);
    for (const [name, worker] of workers) {
      expect(env(worker), name).toMatchObject({ TEMPORAL_ADDRESS: 'temporal:7233', TEMPORAL_NAMESPACE: 'default', METRICS_PORT: '9464' });
      expect(dependsOn(worker), name).toContain('temporal');
    }
  });

  it('starts workers only after the search attributes are registered', () => {
    for (const [name, worker] of workers) {
      const deps = worker.depends_on as Record<string, { condition?: string }>;
      expect(deps['temporal-admin']?.condition, name).toBe('service_completed_successfully');
    }
  });

  it('publishes each worker’s metrics port on a different host port', () => {
    const ports = workers.flatMap(([, s]) => published(s));
    expect(ports).toHaveLength(3);
    expect(new Set(ports).size).toBe(3);
  });

  it('builds the workers from the Dockerfile at the repository root', () => {
    for (const [name, worker] of workers) {
      const build = typeof worker.build === 'string' ? { context: worker.build } : worker.build!;
      expect(build.context, name).toBe('.');
      expect(build.dockerfile ?? 'Dockerfile', name).toBe('Dockerfile');
    }
  });
});

describe('Dockerfile', () => {
  it('installs from the lockfile on node:20-slim and runs the worker entry workers/node.ts', () => {
    expect(dockerfile).toMatch(/^FROM node:20-slim$/m);
    expect(dockerfile).toMatch(/^RUN npm ci\b/m);
    const cmd = /^CMD (\[.*\])$/m.exec(dockerfile);
    expect(cmd).not.toBeNull();
    expect(JSON.parse(cmd![1]!)).toEqual(['node', '--import', 'tsx', 'workers/node.ts']);
  });

  it('keeps node_modules out of the build context', () => {
    const ignored = readFileSync(join(root, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim());
    expect(ignored).toContain('node_modules');
  });
});
