/** Renders conformance/CHECKS.md: every check, its clause and level per profile, and the fault switch that makes it fail. */
import { clause as clauseById, type ClauseId } from '../protocol/clauses.js';
import { PROFILES, type ProfileId } from '../protocol/profiles.js';
import { clauseOf, levelOf } from './check.js';
import { ALL_CHECKS } from './checks/index.js';
import { REQUESTER_CHECKS } from './requester/checks.js';
import { REQUESTER_FAULT_TARGETS } from './requester/fault-targets.js';
import { APISETU_EXPECTED, EXPECTED, PUSH_ACCOUNT_EXPECTED, PUSH_EXPECTED } from './fault-targets.js';

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderChecksDoc(): string {
  const faultsFor = new Map<string, string[]>();
  for (const [fault, e] of Object.entries(EXPECTED)) {
    for (const id of e.targets) faultsFor.set(id, [...(faultsFor.get(id) ?? []), `\`${fault}\`${e.profile ? ` (${e.profile})` : ''}`]);
  }
  for (const [fault, e] of [...Object.entries(PUSH_EXPECTED), ...Object.entries(PUSH_ACCOUNT_EXPECTED)]) {
    for (const id of e?.targets ?? []) faultsFor.set(id, [...(faultsFor.get(id) ?? []), `mock \`${fault}\``]);
  }
  for (const [fault, e] of Object.entries(APISETU_EXPECTED)) {
    for (const id of e.targets) faultsFor.set(id, [...(faultsFor.get(id) ?? []), `\`${fault}\` (apisetu)`]);
  }
  const lines = [
    '# Conformance checks',
    '',
    'Generated from `conformance/checks/` and `conformance/fault-targets.ts` by `npm run docs`;',
    'a test fails when this file is out of date. Level is for profile 3.0 (the default); a SHOULD',
    'failure is reported as a warning. "Fault" names the reference-issuer switch that makes the',
    'check fail (`dlconform demo --fault NAME` shows it); "mock NAME" is a fault switch of the mock',
    'DigiLocker (`dlconform serve --digilocker --fault NAME`), for the push checks (pushcsv.*, pushuri.*,',
    'pushuriacct.*), which run only when the config sets target.pushCsv / target.pushUri / target.pushUriAccount.',
    'A check marked "refusal" judges how a request that must not be served is refused: it is',
    '`inconclusive` (exit 1) when the correctly signed baseline request of its API was not served in',
    'the same run, since then every request is refused alike (faults `reject-all`, `not-found-all`,',
    '`html-403-all`); a leak in the error body (a stack trace, an echoed secret) still fails.',
    "The apisetu.* checks run only in profile apisetu (API Setu's publisher form), and only they do;",
    "their faults switch the reference issuer's certificate route (`dlconform demo --profile apisetu --fault NAME`).",
    '',
    '| id | level | clause | what it checks | fault |',
    '|---|---|---|---|---|',
  ];
  for (const check of ALL_CHECKS) {
    const profile = PROFILES['3.0'];
    const c = clauseById(clauseOf(check, profile));
    lines.push(
      `| \`${check.id}\` | ${levelOf(check, c)}${check.judgesRefusal ? ', refusal' : ''} | ${cell(`${c.id} (${c.document} ${c.section})`)} | ${cell(check.title)} | ${(faultsFor.get(check.id) ?? []).join(', ')} |`,
    );
  }
  lines.push(...requesterTable());
  lines.push('', '## Clauses', '');
  const used = new Set<string>(ALL_CHECKS.flatMap((check) => (['1.0', '3.0', '1.13'] as ProfileId[]).map((p) => clauseOf(check, PROFILES[p]))));
  for (const check of REQUESTER_CHECKS) used.add(check.clause);
  for (const id of [...used].sort()) {
    const c = clauseById(id as ClauseId);
    lines.push(`- **${c.id}** — ${c.document} ${c.section}, ${c.level}: “${c.text}”`);
  }
  return `${lines.join('\n')}\n`;
}

/** The checks of `dlconform requester` (conformance/requester/) and the reference upload service's faults. */
function requesterTable(): string[] {
  const faultsFor = new Map<string, string[]>();
  for (const [fault, id] of Object.entries(REQUESTER_FAULT_TARGETS)) faultsFor.set(id, [...(faultsFor.get(id) ?? []), `\`${fault}\``]);
  const lines = [
    '',
    '## Requester upload service',
    '',
    "`dlconform requester --upload-url URL` judges the service a Requester's page names in",
    'data-upload-url. "Fault" names the switch of the reference upload service that makes the check',
    'fail (`dlconform serve --requester --fault NAME`); the transport check judges the URL itself. A',
    'check marked "refusal" is `inconclusive` when the valid share was not answered SUCCESS in the',
    'same run.',
    '',
    '| id | level | clause | what it checks | fault |',
    '|---|---|---|---|---|',
  ];
  for (const check of REQUESTER_CHECKS) {
    const c = clauseById(check.clause);
    lines.push(
      `| \`${check.id}\` | ${c.level}${check.judgesRefusal ? ', refusal' : ''} | ${cell(`${c.id} (${c.document} ${c.section})`)} | ${cell(check.title)} | ${(faultsFor.get(check.id) ?? []).join(', ')} |`,
    );
  }
  return lines;
}
