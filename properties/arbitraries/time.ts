/**
 * Timestamps (ts): every UTC offset in use, with and without fractional seconds, at the window
 * boundaries of the freshness windows (C4), and the malformed forms seen in the wild. `TsForm` is how the
 * fuzzer describes a ts without fixing the instant: it is rendered at the moment of signing, so a
 * replayed or shrunk request is never stale.
 */
import fc from 'fast-check';
import { formatTs } from '../../protocol/time.js';

/** Every offset of a real time zone, from -12:00 to +14:00 (quarter and half hours included). */
const TZ_OFFSETS: readonly string[] = [
  '+05:30',
  '+00:00',
  '+02:00',
  '-05:00',
  '+05:45',
  '+09:30',
  '-03:30',
  '+14:00',
  '-12:00',
  '+01:00',
  '+03:00',
  '+04:00',
  '+04:30',
  '+06:00',
  '+06:30',
  '+07:00',
  '+08:00',
  '+08:45',
  '+09:00',
  '+10:00',
  '+10:30',
  '+11:00',
  '+12:00',
  '+12:45',
  '+13:00',
  '-01:00',
  '-02:00',
  '-02:30',
  '-03:00',
  '-04:00',
  '-06:00',
  '-07:00',
  '-08:00',
  '-09:00',
  '-09:30',
  '-10:00',
  '-11:00',
  '-00:00',
];

/** The template offset first, so shrinking goes to IST. */
const offset = (): fc.Arbitrary<string> => fc.constantFrom(...TZ_OFFSETS);

export interface TsForm {
  offset: string;
  /** 0: whole seconds (the template); 1–9: fractional seconds */
  fractionDigits: number;
  /** seconds added to the moment of signing */
  skewSeconds: number;
}

export const PLAIN_TS: TsForm = { offset: '+05:30', fractionDigits: 0, skewSeconds: 0 };

/** The ts of a legal request: the current time in any offset, whole seconds. */
export const legalTsForm = (): fc.Arbitrary<TsForm> => offset().map((o) => ({ offset: o, fractionDigits: 0, skewSeconds: 0 }));

/** With fractional seconds (what issuers SHOULD accept, §2.4). */
export const fractionalTsForm = (): fc.Arbitrary<TsForm> => fc.record({ offset: offset(), fractionDigits: fc.integer({ min: 1, max: 9 }), skewSeconds: fc.constant(0) });

export function renderTs(form: TsForm, now: Date): string {
  return formatTs(new Date(now.getTime() + form.skewSeconds * 1000), form.offset, form.fractionDigits);
}

/** A ts string at an arbitrary instant (2000–2099), offset and fraction: for properties of our own code. */
export const tsString = (): fc.Arbitrary<{ instant: Date; offset: string; fractionDigits: number; ts: string }> =>
  fc
    .record({
      instant: fc.date({ min: new Date(Date.UTC(2000, 0, 2)), max: new Date(Date.UTC(2099, 11, 30)), noInvalidDate: true }),
      offset: offset(),
      fractionDigits: fc.integer({ min: 0, max: 9 }),
    })
    .map((r) => ({ ...r, ts: formatTs(r.instant, r.offset, r.fractionDigits) }));

export type InvalidTsKind = 'epoch-ms' | 'space' | 'offset-no-colon' | 'no-offset' | 'drupal' | 'not-a-day' | 'hour-24' | 'empty';

/** A ts in one of the forms `parseTs` rejects (facts §2.5, §2.6). */
export function invalidTs(kinds?: readonly InvalidTsKind[]): fc.Arbitrary<{ kind: InvalidTsKind; value: string }> {
  const all: InvalidTsKind[] = ['epoch-ms', 'space', 'offset-no-colon', 'no-offset', 'drupal', 'not-a-day', 'hour-24', 'empty'];
  return fc.record({ kind: fc.constantFrom(...(kinds ?? all)), t: tsString() }).map(({ kind, t }) => {
    const whole = formatTs(t.instant, t.offset);
    switch (kind) {
      case 'epoch-ms':
        return { kind, value: String(t.instant.getTime()) };
      case 'space':
        return { kind, value: whole.slice(0, 19).replace('T', ' ') };
      case 'offset-no-colon':
        return { kind, value: whole.slice(0, 19) + t.offset.replace(':', '') };
      case 'no-offset':
        return { kind, value: whole.slice(0, 19) };
      case 'drupal': {
        const [date, time] = whole.slice(0, 19).split('T');
        const [y, m, d] = date!.split('-');
        return { kind, value: `${d}-${m}-${y} ${time}` };
      }
      case 'not-a-day':
        return { kind, value: `${whole.slice(0, 4)}-02-30${whole.slice(10)}` };
      case 'hour-24':
        return { kind, value: `${whole.slice(0, 11)}24${whole.slice(13)}` };
      case 'empty':
        return { kind, value: '' };
      default:
        throw new Error(`no invalid ts of kind ${kind satisfies never}`);
    }
  });
}
