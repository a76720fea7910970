import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { k8sName, kubernetesManifests, shellQuote, type KubernetesInput } from './kubernetes.js';

const KEY_VALUE = 'TESTAPIKEY123-do-not-leak';

function input(extra: Partial<KubernetesInput> = {}): KubernetesInput {
  return {
    config: {
      target: { pullUri: 'https://issuer.example/pulluri', pullDoc: 'https://issuer.example/pulldoc' },
      orgId: 'in.gov.example',
      apiKeyEnv: 'DLCONFORM_API_KEY',
      documents: [
        { docType: 'INCER', search: { UDF1: '13333' }, uri: 'in.gov.example-INCER-AB12CD34EF', owner: { fullName: 'Asha Verma', dob: '31-12-1990', aadhaar: '123456789012' } },
        { docType: 'INCER', search: { UDF1: '14444' } },
      ],
      absent: { docType: 'INCER', search: { UDF1: '99999' } },
      load: { scenario: 'pull-doc', dataset: 'people.json' },
    },
    dataset: [
      { docType: 'INCER', search: { UDF1: '13333' }, uri: 'in.gov.example-INCER-AB12CD34EF', owner: { fullName: 'Asha Verma', dob: '31-12-1990', aadhaar: '123456789012' } },
      { docType: 'INCER', search: { UDF1: '15555' }, owner: { fullName: 'Ravi Kumar', dob: '01-01-1980' } },
    ],
    profile: 'capacity',
    scenario: 'pull-doc',
    runId: '0123456789abcdef',
    segments: 4,
    image: 'registry.example/dlconform:1.2.3',
    extraArgs: ['--rate', '200'],
    plannedSeconds: 600,
    target: 'https://issuer.example',
    ...extra,
  };
}

type Obj = Record<string, any>; // parsed YAML, checked field by field below

function parse(text: string): Obj[] {
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs)) throw new Error('no documents');
  for (const d of docs) expect(d.errors).toEqual([]);
  return docs.map((d) => d.toJS() as Obj);
}

function manifests(extra: Partial<KubernetesInput> = {}) {
  const m = kubernetesManifests(input(extra));
  return { ...m, objects: parse(m.job), mergeObjects: parse(m.merge) };
}

/** The words `sh` makes of a command line's arguments. */
function shWords(args: string): string[] {
  const out = execFileSync('sh', ['-c', `printf '%s\\n' ${args}`], { encoding: 'utf8' });
  return out.replace(/\n$/, '').split('\n');
}

const NAME = 'dlconform-capacity-pull-doc-01234567';
const LABELS = { 'app.kubernetes.io/name': 'dlconform', 'app.kubernetes.io/component': 'load', 'dlconform/run-id': '0123456789abcdef' };

describe('kubernetesManifests', () => {
  it('writes ConfigMap, Secret, PersistentVolumeClaim and Job in that order, and the merge Job apart', () => {
    const { name, objects, mergeObjects } = manifests();
    expect(name).toBe(NAME);
    expect(objects.map((o) => [o.apiVersion, o.kind, o.metadata.name])).toEqual([
      ['v1', 'ConfigMap', `${NAME}-config`],
      ['v1', 'Secret', `${NAME}-dataset`],
      ['v1', 'PersistentVolumeClaim', `${NAME}-results`],
      ['batch/v1', 'Job', NAME],
    ]);
    expect(mergeObjects.map((o) => [o.apiVersion, o.kind, o.metadata.name])).toEqual([['batch/v1', 'Job', `${NAME}-merge`]]);
    for (const o of [...objects, ...mergeObjects]) {
      expect(o.metadata.labels).toEqual(LABELS);
      expect(o.metadata.namespace).toBeUndefined();
    }
  });

  it('sets the namespace on every object when given', () => {
    const { job, merge, objects, mergeObjects } = manifests({ namespace: 'load-tests' });
    for (const o of [...objects, ...mergeObjects]) expect(o.metadata.namespace).toBe('load-tests');
    expect(job).toContain('--from-literal=api-key="$DLCONFORM_API_KEY" --namespace load-tests');
    expect(merge).toContain('kubectl apply -f merge.yaml --namespace load-tests');
  });

  it('the Job: Indexed, N pods at once, no retries, a deadline past the planned run', () => {
    const job = manifests().objects[3]!;
    expect(job.spec.completionMode).toBe('Indexed');
    expect(job.spec.completions).toBe(4);
    expect(job.spec.parallelism).toBe(4);
    expect(job.spec.backoffLimit).toBe(0);
    expect(job.spec.activeDeadlineSeconds).toBe(900);
    expect(job.spec.template.metadata.labels).toEqual(LABELS);
    const pod = job.spec.template.spec;
    expect(pod.restartPolicy).toBe('Never');
    expect(pod.containers).toHaveLength(1);
    const c = pod.containers[0];
    expect(c.name).toBe('dlconform');
    expect(c.image).toBe('registry.example/dlconform:1.2.3');
    expect(c.command).toEqual(['sh', '-c']);
    expect(c.args).toHaveLength(1);
    const args: string = c.args[0];
    expect(args.startsWith('exec dlconform load ')).toBe(true);
    expect(args).toContain('--config /config/dlconform.json');
    expect(args).toContain('--dataset /dataset/dataset.json');
    expect(args).toContain('--profile capacity');
    expect(args).toContain('--scenario pull-doc');
    expect(args).toContain('--segment "$((JOB_COMPLETION_INDEX + 1))/4"');
    expect(args).toContain(`--report-dir "/results/${NAME}/segment-$((JOB_COMPLETION_INDEX + 1))"`);
    expect(args).toContain("--quiet '--rate' '200'");
  });

  it('the segment expression expands in sh to i/N, 1-based', () => {
    const c = manifests().objects[3]!.spec.template.spec.containers[0];
    // the command without `exec dlconform`, printed word by word as pod index 2 would run it
    const words = execFileSync('sh', ['-c', `printf '%s\\n' ${(c.args[0] as string).replace(/^exec dlconform /, '')}`], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, JOB_COMPLETION_INDEX: '2' },
    })
      .trim()
      .split('\n');
    expect(words[words.indexOf('--segment') + 1]).toBe('3/4');
    expect(words[words.indexOf('--report-dir') + 1]).toBe(`/results/${NAME}/segment-3`);
    expect(words.slice(-3)).toEqual(['--quiet', '--rate', '200']);
  });

  it('reads the API key from the dlconform-api-key Secret, never holding its value', () => {
    const { job, merge, objects } = manifests();
    const c = objects[3]!.spec.template.spec.containers[0];
    expect(c.env).toEqual([{ name: 'DLCONFORM_API_KEY', valueFrom: { secretKeyRef: { name: 'dlconform-api-key', key: 'api-key' } } }]);
    expect(job).toContain('DLCONFORM_API_KEY');
    expect(job).not.toContain(KEY_VALUE);
    expect(merge).not.toContain(KEY_VALUE);
  });

  it('mounts config, dataset and results, every mount with a volume', () => {
    const { objects, mergeObjects } = manifests();
    const pod = objects[3]!.spec.template.spec;
    expect(pod.containers[0].volumeMounts).toEqual([
      { name: 'config', mountPath: '/config', readOnly: true },
      { name: 'dataset', mountPath: '/dataset', readOnly: true },
      { name: 'results', mountPath: '/results' },
    ]);
    expect(pod.volumes).toEqual([
      { name: 'config', configMap: { name: `${NAME}-config` } },
      { name: 'dataset', secret: { secretName: `${NAME}-dataset`, defaultMode: 0o400 } },
      { name: 'results', persistentVolumeClaim: { claimName: `${NAME}-results` } },
    ]);
    const mergePod = mergeObjects[0]!.spec.template.spec;
    for (const p of [pod, mergePod]) {
      const volumes = new Set((p.volumes as Obj[]).map((v) => v.name));
      for (const m of p.containers[0].volumeMounts as Obj[]) expect(volumes.has(m.name), m.name).toBe(true);
    }
    // each volume points at an object of this run
    const names = new Set(objects.map((o) => o.metadata.name));
    expect(names.has(pod.volumes[0].configMap.name)).toBe(true);
    expect(names.has(pod.volumes[1].secret.secretName)).toBe(true);
    expect(names.has(pod.volumes[2].persistentVolumeClaim.claimName)).toBe(true);
    expect(names.has(mergePod.volumes[0].persistentVolumeClaim.claimName)).toBe(true);
  });

  it('the PersistentVolumeClaim: ReadWriteMany, 1Gi', () => {
    const pvc = manifests().objects[2]!;
    expect(pvc.spec).toEqual({ accessModes: ['ReadWriteMany'], resources: { requests: { storage: '1Gi' } } });
  });

  it('keeps the owners out of the ConfigMap and in the dataset Secret', () => {
    const { job, objects } = manifests();
    const configMap = objects[0]!;
    expect(Object.keys(configMap.data)).toEqual(['dlconform.json']);
    const config = JSON.parse(configMap.data['dlconform.json']) as Obj;
    expect(config.apiKeyEnv).toBe('DLCONFORM_API_KEY');
    expect(config.orgId).toBe('in.gov.example');
    expect(config.documents).toEqual([
      { docType: 'INCER', search: { UDF1: '13333' }, uri: 'in.gov.example-INCER-AB12CD34EF' },
      { docType: 'INCER', search: { UDF1: '14444' } },
    ]);
    expect(JSON.stringify(config)).not.toMatch(/Asha|123456789012|31-12-1990|owner/);
    // the local dataset path means nothing in the pod: --dataset replaces it
    expect(config.load).toEqual({ scenario: 'pull-doc' });

    const secret = objects[1]!;
    expect(secret.type).toBe('Opaque');
    expect(Object.keys(secret.stringData)).toEqual(['dataset.json']);
    expect(JSON.parse(secret.stringData['dataset.json'])).toEqual(input().dataset);
    expect(job.indexOf('Asha Verma')).toBeGreaterThan(job.indexOf('kind: Secret'));
  });

  it("does not change the caller's config", () => {
    const i = input();
    const before = JSON.stringify(i.config);
    kubernetesManifests(i);
    expect(JSON.stringify(i.config)).toBe(before);
  });

  it('the merge Job merges every segment directory into one report', () => {
    const merge = manifests().mergeObjects[0]!;
    expect(merge.spec.backoffLimit).toBe(0);
    expect(merge.spec.template.metadata.labels).toEqual(LABELS);
    const pod = merge.spec.template.spec;
    expect(pod.restartPolicy).toBe('Never');
    expect(pod.containers).toHaveLength(1);
    const c = pod.containers[0];
    expect(c.image).toBe('registry.example/dlconform:1.2.3');
    expect(c.command).toEqual(['sh', '-c']);
    expect(c.args).toEqual([`exec dlconform load merge /results/${NAME}/segment-* --report-dir /results/${NAME}/merged`]);
    expect(c.volumeMounts).toEqual([{ name: 'results', mountPath: '/results' }]);
    expect(c.env).toBeUndefined();
  });

  it('quotes extra arguments so sh gives them back unchanged', () => {
    const tricky = ["it's a value", 'with space', '$HOME', '`id`', '"double"', '', 'a\\b', "''", '--x=1;echo no'];
    const { objects } = manifests({ extraArgs: ['--note', ...tricky] });
    const args: string = objects[3]!.spec.template.spec.containers[0].args[0];
    const quoted = args.slice(args.indexOf('--quiet ') + '--quiet '.length);
    expect(quoted).toBe(['--note', ...tricky].map(shellQuote).join(' '));
    expect(shWords(quoted)).toEqual(['--note', ...tricky]);
    expect(shWords(shellQuote("it's a value"))).toEqual(["it's a value"]);
  });

  it('the header explains the Secret, applying, privacy and the merge', () => {
    const { job, merge } = manifests();
    const header = job.slice(0, job.indexOf('apiVersion:'));
    for (const line of header.trimEnd().split('\n')) expect(line).toMatch(/^#/);
    expect(header).toContain('kubectl create secret generic dlconform-api-key --from-literal=api-key="$DLCONFORM_API_KEY"');
    expect(header).toContain('kubectl apply -f job.yaml');
    expect(header).toMatch(/personal data/);
    expect(header).toMatch(/keep the file private/);
    expect(header).toContain(`kubectl delete secret ${NAME}-dataset`);
    expect(header).toMatch(/ReadWriteMany/);
    expect(header).toContain(`kubectl wait --for=condition=complete job/${NAME} --timeout=960s && kubectl apply -f merge.yaml`);
    expect(merge.startsWith('#')).toBe(true);
    expect(merge).toContain(`kubectl wait --for=condition=complete job/${NAME}`);
  });

  it('one segment is a Job of one pod', () => {
    const job = manifests({ segments: 1 }).objects[3]!;
    expect([job.spec.completions, job.spec.parallelism]).toEqual([1, 1]);
    expect(job.spec.template.spec.containers[0].args[0]).toContain('--segment "$((JOB_COMPLETION_INDEX + 1))/1"');
  });

  it('rejects a segment count that is not a whole number from 1 to 1000', () => {
    for (const segments of [0, -1, 1001, 2.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => kubernetesManifests(input({ segments })), String(segments)).toThrow(/segments must be a whole number from 1 to 1000/);
    }
    expect(() => kubernetesManifests(input({ segments: 1000 }))).not.toThrow();
  });

  it('rejects what would break the manifest or the header commands', () => {
    expect(() => kubernetesManifests(input({ runId: 'xyz' }))).toThrow(/runId/);
    expect(() => kubernetesManifests(input({ namespace: 'Bad Namespace' }))).toThrow(/namespace/);
    expect(() => kubernetesManifests(input({ config: { ...input().config, apiKeyEnv: 'KEY"; rm -rf /' } }))).toThrow(/apiKeyEnv/);
    expect(() => kubernetesManifests(input({ plannedSeconds: -1 }))).toThrow(/plannedSeconds/);
  });
});

describe('k8sName', () => {
  it('lower-cases and replaces what Kubernetes does not allow', () => {
    expect(k8sName('DLConform_Capacity Pull.Doc')).toBe('dlconform-capacity-pull-doc');
    expect(k8sName('a//b__c')).toBe('a-b-c');
    expect(k8sName('a--b')).toBe('a-b');
    expect(k8sName('Ünïcödé')).toBe('n-c-d');
  });

  it('trims dashes at both ends', () => {
    expect(k8sName('--abc--')).toBe('abc');
    expect(k8sName('  _x_  ')).toBe('x');
  });

  it('cuts to 63 characters without a trailing dash', () => {
    expect(k8sName('a'.repeat(100))).toBe('a'.repeat(63));
    expect(k8sName(`${'a'.repeat(62)}-bbbb`)).toBe('a'.repeat(62));
  });

  it('falls back to dlconform', () => {
    expect(k8sName('')).toBe('dlconform');
    expect(k8sName('---')).toBe('dlconform');
    expect(k8sName('ééé')).toBe('dlconform');
  });

  it('every result is a valid DNS label', () => {
    for (const s of ['x', 'A-B', '-_-', '9lives', 'x'.repeat(80), 'dlconform-soak-pull-uri-deadbeef']) {
      expect(k8sName(s)).toMatch(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/);
    }
  });
});
