/**
 * The Kubernetes manifests under deploy/ against the code they run: every file parses, the KEDA
 * ScaledObject scales the classifier Deployment on the lag of the group and topic the classify
 * stage really uses, the detector and the trainer stay exactly one each (the server's own trainer
 * off), and every pod's stop has time to finish
 * within the grace its own environment gives it. Names and settings come from the code
 * (ClassifierGroup, Topics.raw, the npm scripts, loadConfig), so a rename there fails here.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { z } from 'zod';
import { Topics } from '../../lib/bus/topics.ts';
import { ClassifierGroup } from '../../lib/classify/lag.ts';
import { loadConfig, type Config } from '../../lib/config.ts';

const root = path.resolve(import.meta.dirname, '../..');
const deployDir = path.join(root, 'deploy');

/** The lag per member above which KEDA adds one (issue 13: the reference system's rule). */
const lagThreshold = 1000;

// Only the fields this test reads; the rest of each object passes through unchecked.
const Container = z.object({
  name: z.string(),
  command: z.array(z.string()).default([]),
  args: z.array(z.string()).default([]),
  ports: z.array(z.object({ name: z.string().optional(), containerPort: z.number() })).default([]),
  envFrom: z.array(z.object({ configMapRef: z.object({ name: z.string() }).optional() })).default([]),
  env: z.array(z.object({ name: z.string(), value: z.string().optional() })).default([]),
});
const Deployment = z.object({
  kind: z.literal('Deployment'),
  metadata: z.object({ name: z.string() }),
  spec: z.object({
    replicas: z.number().optional(),
    strategy: z.object({ type: z.string() }).optional(),
    template: z.object({
      spec: z.object({ terminationGracePeriodSeconds: z.number().optional(), containers: z.array(Container).min(1) }),
    }),
  }),
});
const ConfigMap = z.object({ kind: z.literal('ConfigMap'), metadata: z.object({ name: z.string() }), data: z.record(z.string(), z.string()) });
const ScaleTarget = z.object({ kind: z.string().default('Deployment'), name: z.string() });
const ScaledObject = z.object({
  kind: z.literal('ScaledObject'),
  spec: z.object({
    scaleTargetRef: ScaleTarget,
    minReplicaCount: z.number(),
    maxReplicaCount: z.number(),
    cooldownPeriod: z.number(),
    advanced: z.object({
      horizontalPodAutoscalerConfig: z.object({
        behavior: z.object({ scaleDown: z.object({ stabilizationWindowSeconds: z.number() }) }),
      }),
    }),
    triggers: z.array(z.object({ type: z.string(), metadata: z.record(z.string(), z.string()) })),
  }),
});
type Deployment = z.infer<typeof Deployment>;
type Container = z.infer<typeof Container>;

interface Manifest {
  file: string;
  object: { kind?: unknown; spec?: { scaleTargetRef?: unknown } };
}

function yamlFiles(): string[] {
  return readdirSync(deployDir, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
}

/** Every document of every YAML file; a syntax error fails the test that loads them. */
function loadManifests(): Manifest[] {
  return yamlFiles().flatMap((file) =>
    parseAllDocuments(readFileSync(path.join(deployDir, file), 'utf8')).map((doc) => {
      assert.deepEqual(doc.errors, [], `${file} parses`);
      return { file, object: doc.toJS() as Manifest['object'] };
    }),
  );
}

const manifests = loadManifests();
const ofKind = <T>(kind: string, schema: z.ZodType<T>): T[] =>
  manifests.filter((m) => m.object.kind === kind).map((m) => schema.parse(m.object));
const deployments = ofKind('Deployment', Deployment);
const configMaps = ofKind('ConfigMap', ConfigMap);
const scaledObjects = ofKind('ScaledObject', ScaledObject);

/** The entry file an npm script runs (`tsx workers/classifier.ts` → `workers/classifier.ts`). */
function scriptEntry(script: string): string {
  const scripts = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  const entry = scripts[script]?.split(/\s+/).find((word) => word.endsWith('.ts'));
  assert.ok(entry, `npm script ${script} runs a .ts entry point`);
  return entry;
}

/** The one Deployment whose container runs this entry point. */
function deploymentRunning(entry: string): Deployment {
  const found = deployments.filter((d) => d.spec.template.spec.containers.some((c) => [...c.command, ...c.args].includes(entry)));
  assert.equal(found.length, 1, `exactly one Deployment runs ${entry}`);
  return found[0]!;
}

/**
 * A container's plain settings as the process sees them: its ConfigMaps, then its own `env`
 * values on top (Kubernetes' order). Secret references are left out: they are not in deploy/.
 */
function containerEnv(container: Container): Record<string, string> {
  const env: Record<string, string> = {};
  for (const source of container.envFrom) {
    if (!source.configMapRef) continue;
    const map = configMaps.find((c) => c.metadata.name === source.configMapRef!.name);
    assert.ok(map, `ConfigMap ${source.configMapRef.name} is in deploy/`);
    Object.assign(env, map.data);
  }
  for (const { name, value } of container.env) if (value !== undefined) env[name] = value;
  return env;
}

/** The configuration the container's process parses, defaults included. */
function containerConfig(container: Container): Config {
  return loadConfig(containerEnv(container));
}

describe('deploy/ Kubernetes manifests', () => {
  const classifier = deploymentRunning(scriptEntry('worker:classifier'));
  const detector = deploymentRunning(scriptEntry('worker:detector'));
  const trainer = deploymentRunning(scriptEntry('worker:trainer'));
  const server = deploymentRunning('server/main.ts');
  const classifierConfig = containerConfig(classifier.spec.template.spec.containers[0]!);

  it('parse, and kustomization.yaml lists every other manifest', () => {
    const kustomization = manifests.find((m) => m.object.kind === 'Kustomization');
    assert.ok(kustomization, 'deploy/kustomization.yaml');
    const { resources } = z.object({ resources: z.array(z.string()) }).parse(kustomization.object);
    assert.deepEqual([...resources].sort(), yamlFiles().filter((f) => f !== kustomization.file));
  });

  it('scale the classifier Deployment on the lag of its group and topic', () => {
    assert.equal(scaledObjects.length, 1);
    const { spec } = scaledObjects[0]!;
    assert.deepEqual(spec.scaleTargetRef, { kind: 'Deployment', name: classifier.metadata.name });
    assert.equal(spec.triggers.length, 1);
    const [trigger] = spec.triggers;
    assert.equal(trigger!.type, 'kafka');
    assert.equal(trigger!.metadata.consumerGroup, ClassifierGroup);
    assert.equal(trigger!.metadata.topic, Topics.raw);
    assert.equal(Number(trigger!.metadata.lagThreshold), lagThreshold);
    assert.equal(classifierConfig.bus.kind, 'kafka');
    if (classifierConfig.bus.kind !== 'kafka') return;
    // KEDA asks the brokers the workers use, and never runs more members than partitions.
    assert.equal(trigger!.metadata.bootstrapServers, classifierConfig.bus.brokers.join(','));
    assert.equal(spec.minReplicaCount, 1);
    assert.equal(spec.maxReplicaCount, classifierConfig.bus.partitions);
    // With a minimum of 1 the HPA's scale-down window is the cool-down; KEDA's only covers 1 → 0.
    assert.ok(spec.cooldownPeriod > 0);
    assert.equal(spec.advanced.horizontalPodAutoscalerConfig.behavior.scaleDown.stabilizationWindowSeconds, spec.cooldownPeriod);
    // The autoscaler owns the count: a fixed one in the Deployment would be reset on every apply.
    assert.equal(classifier.spec.replicas, undefined);
  });

  it('run exactly one detector, which nothing autoscales', () => {
    assert.equal(detector.spec.replicas, 1);
    assert.equal(detector.spec.strategy?.type, 'Recreate', 'a rolling update would run two detectors for a while');
    const targets = manifests
      .filter((m) => m.object.kind === 'ScaledObject' || m.object.kind === 'HorizontalPodAutoscaler')
      .map((m) => ScaleTarget.parse(m.object.spec?.scaleTargetRef).name);
    assert.ok(!targets.includes(detector.metadata.name), `${detector.metadata.name} is autoscaled`);
  });

  it('run exactly one trainer, which nothing autoscales, and no trainer in the server', () => {
    assert.equal(trainer.spec.replicas, 1);
    assert.equal(trainer.spec.strategy?.type, 'Recreate', 'a rolling update would run two trainers for a while');
    const targets = manifests
      .filter((m) => m.object.kind === 'ScaledObject' || m.object.kind === 'HorizontalPodAutoscaler')
      .map((m) => ScaleTarget.parse(m.object.spec?.scaleTargetRef).name);
    assert.ok(!targets.includes(trainer.metadata.name), `${trainer.metadata.name} is autoscaled`);
    for (const container of server.spec.template.spec.containers) {
      assert.equal(containerConfig(container).trainer.embedded, false, 'the server would run a second trainer');
    }
  });

  it('give every pod more time to stop than its shutdown grace', () => {
    assert.ok(deployments.length >= 4, 'server, classifier, detector and trainer');
    for (const deployment of deployments) {
      // 30 s: Kubernetes' default when a pod does not say.
      const { terminationGracePeriodSeconds = 30, containers } = deployment.spec.template.spec;
      for (const container of containers) {
        const config = containerConfig(container);
        assert.ok(
          terminationGracePeriodSeconds * 1000 > config.shutdown.graceMs,
          `${deployment.metadata.name}: ${terminationGracePeriodSeconds} s to stop, ${config.shutdown.graceMs} ms of grace`,
        );
        const metricsPort = container.ports.find((p) => p.name === 'metrics');
        if (metricsPort) assert.equal(metricsPort.containerPort, config.metricsPort, `${deployment.metadata.name}: metrics port`);
      }
    }
  });
});
