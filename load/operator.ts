/**
 * `--emit k6-operator`: the same test as a k6-operator TestRun for users who run k6 on
 * Kubernetes. The bundled script and the plan go in a ConfigMap (mounted at /test), the dataset
 * (it may hold owners' names and dates of birth) in a Secret, and the API key is read from a
 * Secret the user creates; `parallelism: N` makes the operator split the test into N execution
 * segments, as `--segments N` does on one machine.
 */
import type { K6Plan } from './plan.js';

export interface OperatorManifest {
  name: string;
  yaml: string;
}

/** A Kubernetes name: lower case, digits and dashes, at most 63 characters. */
export function k8sName(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63).replace(/-+$/, '') || 'dlconform';
}

/**
 * A literal block scalar of any text, its lines indented by 4 under a key indented by 2. The
 * explicit indentation indicator keeps a first line that starts with spaces intact.
 */
function block(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').replace(/\n+$/, '').split('\n');
  return '|2-\n' + lines.map((l) => (l === '' ? '' : `    ${l}`)).join('\n');
}

const q = (s: string) => JSON.stringify(s); // a JSON string is a valid YAML double-quoted scalar

export function operatorManifest(o: { plan: K6Plan; script: string; dataset: string; parallelism: number; namespace?: string }): OperatorManifest {
  const base = k8sName(`dlconform-${o.plan.profile}-${o.plan.scenario}-${o.plan.runId.slice(0, 8)}`);
  const ns = o.namespace ? `\n  namespace: ${q(o.namespace)}` : '';
  const keySecret = 'dlconform-api-key';
  const yaml = `# dlconform load --emit k6-operator: ${o.plan.profile} profile, ${o.plan.scenario} scenario, target ${o.plan.url}
# Apply with: kubectl apply -f k6-operator.yaml   (needs the k6-operator: https://github.com/grafana/k6-operator)
# The API key is not in this file. Create its Secret first:
#   kubectl create secret generic ${keySecret} --from-literal=api-key="$${o.plan.apiKeyEnv}"
# Each of the ${o.parallelism} runners writes its raw samples to /results (an emptyDir here: point the volume at
# storage you can collect from); dlconform merges samples, never per-runner percentiles.
apiVersion: v1
kind: ConfigMap
metadata:
  name: ${base}-script${ns}
data:
  script.js: ${block(o.script)}
  plan.json: ${block(JSON.stringify(o.plan, null, 2))}
---
apiVersion: v1
kind: Secret
metadata:
  name: ${base}-dataset${ns}
type: Opaque
stringData:
  dataset.json: ${block(o.dataset)}
---
apiVersion: k6.io/v1alpha1
kind: TestRun
metadata:
  name: ${base}${ns}
spec:
  parallelism: ${o.parallelism}
  script:
    configMap:
      name: ${base}-script
      file: script.js
  arguments: ${q('--no-usage-report --out csv=fileName=/results/samples.csv,timeFormat=unix_milli')}
  runner:
    env:
      - name: DLCONFORM_PLAN
        value: /test/plan.json
      - name: DLCONFORM_DATASET
        value: /dataset/dataset.json
      - name: K6_NO_USAGE_REPORT
        value: "true"
      - name: ${o.plan.apiKeyEnv}
        valueFrom:
          secretKeyRef:
            name: ${keySecret}
            key: api-key
    volumes:
      - name: dataset
        secret:
          secretName: ${base}-dataset
      - name: results
        emptyDir: {}
    volumeMounts:
      - name: dataset
        mountPath: /dataset
        readOnly: true
      - name: results
        mountPath: /results
`;
  return { name: base, yaml };
}
