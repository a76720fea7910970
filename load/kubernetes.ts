/**
 * Kubernetes manifests for a load run split across pods. The run is an Indexed Job of N pods:
 * Kubernetes gives each pod its index in JOB_COMPLETION_INDEX, and pod i runs
 * `dlconform load --segment i/N`, so the pods share the total rate without talking to each other.
 * Each pod writes its report into its own directory on a volume every pod can mount; once the
 * Job completes, a second Job runs `dlconform load merge` over those directories into one report.
 * The config goes in a ConfigMap without the owners' personal data, the dataset (owners included)
 * in a Secret, and the API key comes from a Secret the user creates, never from this text.
 */
import { Document } from 'yaml';

export interface KubernetesInput {
  /** the user's config JSON as read from the file (no API key inside: only apiKeyEnv) */
  config: Record<string, unknown> & { apiKeyEnv: string };
  /** every document the load uses, owners included (names, dates of birth, Aadhaar numbers) */
  dataset: Array<Record<string, unknown>>;
  profile: 'smoke' | 'ci' | 'capacity' | 'soak';
  scenario: 'pull-doc' | 'pull-uri';
  /** 16 hex characters */
  runId: string;
  /** number of segments = parallel pods */
  segments: number;
  /** container image holding dlconform and vegeta */
  image: string;
  namespace?: string;
  /** extra command-line arguments passed to every segment, e.g. ['--rate', '200'] */
  extraArgs: string[];
  /** planned seconds of the load run (for activeDeadlineSeconds) */
  plannedSeconds: number;
  target: string;
}

export interface KubernetesManifests {
  name: string;
  /** ConfigMap, dataset Secret, results PersistentVolumeClaim and the Indexed Job */
  job: string;
  /** the Job merging the segments' reports, applied once the load Job has completed */
  merge: string;
}

/** A Kubernetes name: lower case, digits and dashes, no dash at either end, at most 63 characters. */
export function k8sName(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/-{2,}/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 63)
      .replace(/-+$/, '') || 'dlconform'
  );
}

/** One word for a POSIX shell: single-quoted, an embedded ' written as '"'"'. */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'"'"'`)}'`;
}

const API_KEY_SECRET = 'dlconform-api-key';
const API_KEY_SECRET_KEY = 'api-key';

const PROFILES = ['smoke', 'ci', 'capacity', 'soak'] as const;
const SCENARIOS = ['pull-doc', 'pull-uri'] as const;
/** Seconds past the planned run before Kubernetes stops the Job (start-up, pulling the image, writing reports). */
const DEADLINE_MARGIN_SECONDS = 300;
/** Seconds `kubectl wait` waits beyond the Job's deadline. */
const WAIT_MARGIN_SECONDS = 60;

const YAML_OPTIONS = { lineWidth: 0 } as const;

function validate(input: KubernetesInput): void {
  const { segments, runId, plannedSeconds, namespace, config } = input;
  if (!Number.isInteger(segments) || segments < 1 || segments > 1000) {
    throw new Error(`segments must be a whole number from 1 to 1000, not ${String(segments)}`);
  }
  if (!/^[0-9a-f]{16}$/i.test(runId)) {
    throw new Error(`runId must be 16 hex characters, not ${JSON.stringify(runId)}`);
  }
  if (!Number.isFinite(plannedSeconds) || plannedSeconds < 0) {
    throw new Error(`plannedSeconds must be a number of seconds ≥ 0, not ${String(plannedSeconds)}`);
  }
  if (!(PROFILES as readonly string[]).includes(input.profile)) {
    throw new Error(`profile must be one of ${PROFILES.join(', ')}, not ${JSON.stringify(input.profile)}`);
  }
  if (!(SCENARIOS as readonly string[]).includes(input.scenario)) {
    throw new Error(`scenario must be one of ${SCENARIOS.join(', ')}, not ${JSON.stringify(input.scenario)}`);
  }
  // the name goes into the pods' environment and into the shell command of the header
  if (typeof config.apiKeyEnv !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(config.apiKeyEnv)) {
    throw new Error(`apiKeyEnv must be an environment variable name (letters, digits, _), not ${JSON.stringify(config.apiKeyEnv)}`);
  }
  if (namespace !== undefined && !/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(namespace)) {
    throw new Error(`namespace must be a Kubernetes name (lower case, digits and dashes, at most 63 characters), not ${JSON.stringify(namespace)}`);
  }
  if (input.image.trim() === '' || /\s/.test(input.image)) {
    throw new Error(`image must be a container image reference, not ${JSON.stringify(input.image)}`);
  }
}

/**
 * The config as it goes into the ConfigMap: every documents[].owner removed (the pods read the
 * documents, owners included, from the dataset Secret), and load.dataset, a path on the user's
 * machine, removed since --dataset replaces it.
 */
function publicConfig(config: Record<string, unknown>): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(config)) as Record<string, unknown>;
  if (Array.isArray(copy.documents)) {
    copy.documents = copy.documents.map((doc: unknown) => {
      if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return doc;
      const { owner: _owner, ...rest } = doc as Record<string, unknown>;
      return rest;
    });
  }
  const load = copy.load;
  if (load !== null && typeof load === 'object' && !Array.isArray(load) && 'dataset' in load) {
    const { dataset: _dataset, ...rest } = load as Record<string, unknown>;
    copy.load = rest;
  }
  return copy;
}

/** Comment lines for Document.commentBefore: a space before each so they read `# text`, blank lines kept as `#`. */
function comment(lines: string[]): string {
  return lines.map((l) => ` ${l}`).join('\n');
}

function yamlText(objects: object[], header: string[]): string {
  return objects
    .map((object, i) => {
      const doc = new Document(object);
      if (i === 0) doc.commentBefore = comment(header);
      else doc.directives!.docStart = true;
      return doc.toString(YAML_OPTIONS);
    })
    .join('');
}

export function kubernetesManifests(input: KubernetesInput): KubernetesManifests {
  validate(input);
  const { profile, scenario, runId, segments, image, namespace, target } = input;
  const apiKeyEnv = input.config.apiKeyEnv;
  const name = k8sName(`dlconform-${profile}-${scenario}-${runId.slice(0, 8)}`);
  const labels = {
    'app.kubernetes.io/name': 'dlconform',
    'app.kubernetes.io/component': 'load',
    'dlconform/run-id': runId,
  };
  const metadata = (objectName: string) => ({ name: objectName, ...(namespace !== undefined && { namespace }), labels: { ...labels } });
  const configName = `${name}-config`;
  const datasetName = `${name}-dataset`;
  const resultsName = `${name}-results`;
  const mergeName = `${name}-merge`;
  const deadline = Math.ceil(input.plannedSeconds) + DEADLINE_MARGIN_SECONDS;
  const ns = namespace !== undefined ? ` --namespace ${namespace}` : '';

  const loadCommand = [
    'exec dlconform load',
    '--config /config/dlconform.json',
    '--dataset /dataset/dataset.json',
    `--profile ${profile}`,
    `--scenario ${scenario}`,
    `--segment "$((JOB_COMPLETION_INDEX + 1))/${segments}"`,
    `--report-dir "/results/${name}/segment-$((JOB_COMPLETION_INDEX + 1))"`,
    '--quiet',
    ...input.extraArgs.map(shellQuote),
  ].join(' ');

  const configMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: metadata(configName),
    data: { 'dlconform.json': `${JSON.stringify(publicConfig(input.config), null, 2)}\n` },
  };
  const datasetSecret = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: metadata(datasetName),
    type: 'Opaque',
    stringData: { 'dataset.json': `${JSON.stringify(input.dataset, null, 2)}\n` },
  };
  const results = {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: metadata(resultsName),
    spec: { accessModes: ['ReadWriteMany'], resources: { requests: { storage: '1Gi' } } },
  };
  /** A pod template running one shell command in the image, with the given mounts and volumes. */
  const podTemplate = (command: string, extra: { env?: unknown[]; volumeMounts: unknown[]; volumes: unknown[] }) => ({
    metadata: { labels: { ...labels } },
    spec: {
      restartPolicy: 'Never',
      containers: [{ name: 'dlconform', image, command: ['sh', '-c'], args: [command], ...(extra.env && { env: extra.env }), volumeMounts: extra.volumeMounts }],
      volumes: extra.volumes,
    },
  });
  const resultsVolume = { name: 'results', persistentVolumeClaim: { claimName: resultsName } };
  const job = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: metadata(name),
    spec: {
      completionMode: 'Indexed',
      completions: segments,
      parallelism: segments,
      // a retried segment would send its share of the load a second time
      backoffLimit: 0,
      activeDeadlineSeconds: deadline,
      template: podTemplate(loadCommand, {
        env: [{ name: apiKeyEnv, valueFrom: { secretKeyRef: { name: API_KEY_SECRET, key: API_KEY_SECRET_KEY } } }],
        volumeMounts: [
          { name: 'config', mountPath: '/config', readOnly: true },
          { name: 'dataset', mountPath: '/dataset', readOnly: true },
          { name: 'results', mountPath: '/results' },
        ],
        volumes: [
          { name: 'config', configMap: { name: configName } },
          // 0400 written in decimal: YAML 1.1 and 1.2 read octal literals differently
          { name: 'dataset', secret: { secretName: datasetName, defaultMode: 0o400 } },
          resultsVolume,
        ],
      }),
    },
  };
  const mergeJob = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: metadata(mergeName),
    spec: {
      backoffLimit: 0,
      template: podTemplate(`exec dlconform load merge /results/${name}/segment-* --report-dir /results/${name}/merged`, {
        volumeMounts: [{ name: 'results', mountPath: '/results' }],
        volumes: [resultsVolume],
      }),
    },
  };

  const waitThenMerge = `kubectl wait --for=condition=complete job/${name} --timeout=${deadline + WAIT_MARGIN_SECONDS}s${ns} && kubectl apply -f merge.yaml${ns}`;
  const jobHeader = [
    `dlconform load on Kubernetes: ${profile} profile, ${scenario} scenario, run ${runId}`,
    `target: ${target}`,
    `${segments} pod(s) in an Indexed Job: pod i runs segment i/${segments} of the load and writes its report to`,
    `  /results/${name}/segment-i`,
    'on the shared volume claimed below.',
    '',
    'The API key is not in this file. Create its Secret first, in the same namespace:',
    `  kubectl create secret generic ${API_KEY_SECRET} --from-literal=api-key="$${apiKeyEnv}"${ns}`,
    'Then apply this file:',
    `  kubectl apply -f job.yaml${ns}`,
    '',
    "This file holds the dataset in a Secret, and the dataset is personal data (owners' names,",
    'dates of birth, Aadhaar numbers): keep the file private and delete the Secret after the run:',
    `  kubectl delete secret ${datasetName}${ns}`,
    '',
    'The PersistentVolumeClaim asks for ReadWriteMany storage: it must be storage every load pod',
    'and the merge pod can mount at once (NFS, CephFS, EFS, Azure Files...); set storageClassName',
    "if the cluster's default class cannot do ReadWriteMany.",
    '',
    "Wait for the Job to complete, then merge the segments' reports:",
    `  ${waitThenMerge}`,
    'backoffLimit is 0: a retried segment would send its share of the load twice, so one failed',
    'pod fails the run.',
  ];
  const mergeHeader = [
    `dlconform load on Kubernetes: merges the ${segments} segment report(s) of run ${runId} into`,
    `  /results/${name}/merged`,
    `on the volume ${resultsName}. Apply it once job/${name} has completed:`,
    `  ${waitThenMerge}`,
  ];

  return {
    name,
    job: yamlText([configMap, datasetSecret, results, job], jobHeader),
    merge: yamlText([mergeJob], mergeHeader),
  };
}
