/**
 * Which encodings of x-digilocker-hmac the issuer accepts (FACTS C1): the baseline is signed with
 * the config's encoding; the same request signed with the other one tells whether the issuer
 * accepts both. DigiLocker's encoding is disputed, so accepting only one is a warning, never a
 * failure; accepting neither is the baseline's own failure (and the diagnosis names the encoding).
 */
import type { HmacEncoding } from '../../protocol/auth.js';
import { warn, pass, type Check } from '../check.js';
import type { RunContext, SentExchange } from '../context.js';
import { describeResponse, needParsed, needSuccess, served } from './judge.js';

type Signed = Exclude<HmacEncoding, 'none'>;

const otherThan = (encoding: Signed): Signed => (encoding === 'hex-base64' ? 'raw-base64' : 'hex-base64');

/** The baseline signed with the other encoding: the request the diagnosis resends for a refused baseline. */
function otherEncodingExchange(ctx: RunContext, other: Signed): Promise<SentExchange> {
  return ctx.shared(`baseline:pulluri:hmac:${other}`, () => ctx.send('pulluri', `baseline signed with "hmac": "${other}"`, { hmacEncoding: other }));
}

export const HMAC_ENCODINGS_CHECK: Check = {
  id: 'pulluri.auth.hmac-encodings',
  api: 'pulluri',
  section: 'auth',
  title: 'both encodings of x-digilocker-hmac (hex-base64 and raw-base64) are accepted',
  clause: 'hmac-encodings',
  // a refusal of the other encoding says something only where the config's encoding is served
  judgesRefusal: true,
  notApplicable: (ctx) => (ctx.config.hmac === 'none' ? 'hmac is "none" in the config: no x-digilocker-hmac header is sent, so no encoding is probed' : undefined),
  async run(ctx) {
    const base = await ctx.baseline('pulluri');
    const pre = needSuccess(base, 'pulluri');
    if (pre) return pre;
    const configured = ctx.config.hmac as Signed;
    const other = otherThan(configured);
    const ex = await otherEncodingExchange(ctx, other);
    const unusable = needParsed(ex, true);
    // a failure at level MAY: a warning under every policy
    if (unusable) return unusable;
    if (served(ex)) return pass(`both accepted: ${configured} (the config's hmac) and ${other}`, [base, ex]);
    return warn(
      `only ${configured} (the config's hmac) is accepted; the same request signed ${other} was refused (${describeResponse(ex)}). ` +
        'DigiLocker\'s encoding is disputed (FACTS C1: the specs say "converted to Base64", production issuers verify Base64 of the hex digest): ' +
        `if DigiLocker sends ${other}, every request fails authentication. The two differ in length (hex-base64 88 characters, raw-base64 44), so verifying both costs one comparison.`,
      { expected: `${configured} and ${other} both accepted`, actual: `${other}: ${describeResponse(ex)}` },
      [base, ex],
    );
  },
};
