/** The APIs a check can belong to, as the report writers title and order them. */
import type { Api } from '../types.js';

/** In report order; a Record over Api, so a new API cannot go untitled. */
const API_TITLE: Record<Api, string> = {
  pulluri: 'Pull URI',
  pulldoc: 'Pull Doc',
  pushcsv: 'Push CSV',
  pushuri: 'Push URI',
  pushuriacct: 'Push URI to Account',
  consistency: 'Cross-API consistency',
  apisetu: 'API Setu publisher form',
  widget: 'Save to Locker / Requester widget',
  requester: 'Requester upload service',
};

const API_ORDER: readonly string[] = Object.keys(API_TITLE);

/** A result read back from disk may name an API this version does not know: it is shown as it is. */
export function apiTitle(api: string): string {
  return (API_TITLE as Record<string, string>)[api] ?? api;
}

/** Sort key: known APIs in report order, then the unknown. */
export function apiRank(api: string): number {
  const i = API_ORDER.indexOf(api);
  return i === -1 ? API_ORDER.length : i;
}
