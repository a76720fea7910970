/**
 * The Photo of a Person in IssuedTo: DigiLocker shows it and matches it against the citizen's
 * Aadhaar photo, so its content must be the image its format names (v1.13 8.1.4 #12–13).
 */
import { photoProblem } from '../../protocol/image.js';
import { fail, pass, skip, type Check } from '../check.js';
import { isOutcome } from './judge.js';
import { baselinePersons } from './success.js';

export const PERSON_PHOTO_CHECK: Check = {
  id: 'pulluri.success.person-photo',
  api: 'pulluri',
  section: 'success',
  title: "a Person's Photo is base64 of the image its format names (JPEG or PNG magic bytes)",
  clause: 'person-photo',
  async run(ctx) {
    const got = await baselinePersons(ctx);
    if (isOutcome(got)) return got;
    const { ex, persons } = got;
    const photos = persons.flatMap((p, i) => (p.photo ? [{ i, photo: p.photo }] : []));
    if (photos.length === 0) return skip('no Person carries a Photo (it is optional)', [ex]);
    const problems = photos.flatMap(({ i, photo }) => {
      const problem = photoProblem(photo.format, photo.content);
      return problem ? [`Person[${i}] Photo: ${problem}`] : [];
    });
    return problems.length === 0
      ? pass(`${photos.length} Photo(s) hold the image their format names`, [ex])
      : fail(problems.join('; '), { expected: 'base64 of a JPEG (FF D8 FF) for JPG/JPEG, of a PNG (89 50 4E 47) for PNG' }, [ex]);
  },
};
