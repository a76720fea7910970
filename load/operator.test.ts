import { describe, expect, it } from 'vitest';
import { parseConfig } from '../conformance/config.js';
import { k8sName, operatorManifest } from './operator.js';
import { buildPlan } from './runner.js';
import { loadSettings } from './settings.js';

describe('--emit k6-operator', () => {
  const { config } = parseConfig(
    {
      target: { pullUri: 'https://staging.example.gov.in/pulluri', pullDoc: 'https://staging.example.gov.in/pulldoc' },
      orgId: 'in.gov.example',
      apiKeyEnv: 'MY_KEY',
      loadAllowedHosts: ['staging.example.gov.in'],
      documents: [{ docType: 'INCER', search: { rollno: '1' }, uri: 'in.gov.example-INCER-AB12' }],
      absent: { docType: 'INCER', search: { rollno: '2' } },
    },
    { MY_KEY: 'k' },
    'x',
  );
  const plan = buildPlan({ config, settings: loadSettings(config), profile: 'ci' }, 'abcdef0123456789');

  it('a ConfigMap with the script and plan, a Secret with the dataset, a TestRun with parallelism N', () => {
    const m = operatorManifest({ plan, script: 'export default function () {}\n', dataset: '[{"uri":"in.gov.example-INCER-AB12"}]', parallelism: 4 });
    expect(m.name).toBe('dlconform-ci-pull-doc-abcdef01');
    expect(m.yaml).toMatch(/kind: ConfigMap\nmetadata:\n  name: dlconform-ci-pull-doc-abcdef01-script\ndata:\n  script.js: \|2-\n    export default function \(\) \{\}\n  plan.json: \|2-\n    \{/);
    expect(m.yaml).toMatch(/kind: Secret[\s\S]*stringData:\n  dataset.json: \|2-\n    \[\{"uri":"in.gov.example-INCER-AB12"\}\]/);
    expect(m.yaml).toMatch(/kind: TestRun\nmetadata:\n  name: dlconform-ci-pull-doc-abcdef01\nspec:\n  parallelism: 4\n  script:\n    configMap:\n      name: dlconform-ci-pull-doc-abcdef01-script\n      file: script.js/);
    expect(m.yaml).toMatch(/- name: MY_KEY\n        valueFrom:\n          secretKeyRef:\n            name: dlconform-api-key/);
    expect(m.yaml).toMatch(/value: \/test\/plan.json/);
    expect(m.yaml).not.toMatch(/\t/);
  });

  it('Kubernetes names', () => {
    expect(k8sName('DLConform_Load--X')).toBe('dlconform-load--x');
    expect(k8sName('a'.repeat(80))).toHaveLength(63);
  });
});
