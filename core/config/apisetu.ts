/**
 * Profile "apisetu": the config of a run against API Setu's publisher form of an issuer
 * (protocol/apisetu.ts). target.certificate is the one endpoint; apiSetu names the environment
 * variables of the client id and (optionally) the API key, and the formats the issuer publishes.
 * The rules here are the ones the schema cannot express, each with the field and the fix.
 */
import { API_SETU_FORMATS, type ApiSetuFormat } from '../../protocol/apisetu.js';
import type { ConfigIssue } from './types.js';

/** The apiSetu block as written in the file. */
export interface RawApiSetu {
  clientIdEnv: string;
  apiKeyEnv?: string;
  formats?: ApiSetuFormat[];
}

/** Profile apisetu's settings once read: the client id is an identifier, not a secret, so it is kept here. */
export interface ApiSetuSettings {
  clientIdEnv: string;
  /** the variable the X-APISETU-APIKEY value came from (apiSetu.apiKeyEnv, else apiKeyEnv) */
  apiKeyEnv: string;
  clientId: string;
  /** the formats the issuer publishes (the operation's format enum): pdf, xml or both */
  formats: ApiSetuFormat[];
}

interface RawForm {
  profile?: string;
  target: { pullUri?: string; certificate?: string; pullDoc?: string; pushCsv?: string; pushUri?: string; pushUriAccount?: unknown; requester?: string };
  apiKeyEnv: string;
  apiSetu?: RawApiSetu;
  documents: ReadonlyArray<{ owner?: { fullName?: string; dob?: string; aadhaar?: string } }>;
}

// the Requester's upload service too: a profile apisetu run judges the certificate endpoint alone
const PULL_ONLY_TARGETS = ['pullUri', 'pullDoc', 'pushCsv', 'pushUri', 'pushUriAccount', 'requester'] as const;

/** Whether the config is in the API Setu publisher form. */
export const isApiSetu = (raw: { profile?: string }): boolean => raw.profile === 'apisetu';

/** The fields only profile apisetu takes (the schema requires target.pullUri in the others), the apiSetu block, the owner values certificateParameters carry, the client id in the environment. */
export function formIssues(raw: RawForm, env: NodeJS.ProcessEnv): ConfigIssue[] {
  if (!isApiSetu(raw)) {
    const issues: ConfigIssue[] = [];
    if (raw.target.certificate !== undefined)
      issues.push({ field: 'target.certificate', message: 'is only for profile "apisetu" (API Setu\'s publisher form); set "profile": "apisetu" or remove target.certificate' });
    if (raw.apiSetu !== undefined) issues.push({ field: 'apiSetu', message: 'is only for profile "apisetu" (API Setu\'s publisher form); set "profile": "apisetu" or remove apiSetu' });
    return issues;
  }
  const issues: ConfigIssue[] = [];
  if (raw.target.certificate === undefined) {
    issues.push({
      field: 'target.certificate',
      message: 'is required with profile "apisetu"; expected the certificate endpoint, an http(s) URL such as "https://issuer.example/v3/hscer/certificate"',
    });
  }
  for (const key of PULL_ONLY_TARGETS) {
    if (raw.target[key] !== undefined) issues.push({ field: `target.${key}`, message: `is not used with profile "apisetu", whose one endpoint is target.certificate; remove target.${key}` });
  }
  const apiSetu = raw.apiSetu;
  if (apiSetu === undefined) {
    issues.push({ field: 'apiSetu', message: 'is required with profile "apisetu"; add {"clientIdEnv": "DLCONFORM_APISETU_CLIENT_ID"} naming the variable that holds your X-APISETU-CLIENTID' });
  } else {
    for (const [key, what] of [
      ['clientIdEnv', 'your API Setu client id (X-APISETU-CLIENTID)'],
      ['apiKeyEnv', 'your API Setu API key (X-APISETU-APIKEY)'],
    ] as const) {
      const name = apiSetu[key];
      if (name === undefined) continue;
      const value = env[name];
      if (value !== undefined && value.trim() !== '') continue;
      issues.push({
        field: `apiSetu.${key}`,
        message: `environment variable ${name} ${value === undefined ? 'is not set' : 'is empty'}; export it with ${what} (${key} holds the variable's name, never the value)`,
      });
    }
  }
  const owner = raw.documents[0]?.owner;
  for (const [key, parameter] of [
    ['fullName', 'FullName'],
    ['dob', 'DOB'],
    ['aadhaar', 'UID'],
  ] as const) {
    if (owner?.[key] === undefined) {
      issues.push({ field: `documents[0].owner.${key}`, message: `is required with profile "apisetu": the certificate request carries it as ${parameter} in certificateParameters` });
    }
  }
  return issues;
}

/** The apiSetu block resolved against the environment (after formIssues found nothing). */
export function apiSetuSettings(raw: { apiKeyEnv: string; apiSetu?: RawApiSetu }, env: NodeJS.ProcessEnv): ApiSetuSettings {
  const apiSetu = raw.apiSetu!;
  return {
    clientIdEnv: apiSetu.clientIdEnv,
    apiKeyEnv: apiSetu.apiKeyEnv ?? raw.apiKeyEnv,
    clientId: env[apiSetu.clientIdEnv]!.trim(),
    formats: [...(apiSetu.formats ?? API_SETU_FORMATS)],
  };
}
