import { describe, expect, it } from 'vitest';
import { comparableFields, differingFields, normaliseDob, normaliseGender, normaliseName, normalisePhone } from './person-match.js';

describe('normalised Person fields', () => {
  it('names: NFC, case and inner whitespace do not count', () => {
    expect(normaliseName('  SUNIL   kumar ')).toBe('sunil kumar');
    // e + combining acute (NFD) is é (NFC)
    expect(normaliseName('Rene\u0301 Dsouza')).toBe(normaliseName('Ren\u00e9 DSOUZA'));
    expect(normaliseName('रमेश  कुमार')).toBe('रमेश कुमार');
  });
  it('dob: DD-MM-YYYY, DD/MM/YYYY and YYYY-MM-DD are the same day; no date is no value', () => {
    expect(normaliseDob('31-12-1990')).toBe('31-12-1990');
    expect(normaliseDob('31/12/1990')).toBe('31-12-1990');
    expect(normaliseDob('1990-12-31')).toBe('31-12-1990');
    expect(normaliseDob('31-02-1990')).toBeUndefined();
    expect(normaliseDob('')).toBeUndefined();
  });
  it('gender: M/F/T/O read as Male/Female/Transgender/Other', () => {
    expect(normaliseGender('M')).toBe(normaliseGender('Male'));
    expect(normaliseGender('f')).toBe(normaliseGender('FEMALE'));
    expect(normaliseGender('T')).toBe(normaliseGender('Transgender'));
    expect(normaliseGender('O')).toBe(normaliseGender('Other'));
    expect(normaliseGender('M')).not.toBe(normaliseGender('Female'));
  });
  it('phone: the last 10 digits', () => {
    expect(normalisePhone('+91 98765-43210')).toBe('9876543210');
    expect(normalisePhone('09876543210')).toBe('9876543210');
  });
});

describe('differingFields', () => {
  const owner = { fullName: 'Sunil Kumar', dob: '31-12-1990', gender: 'Male', phone: '9876543210' };
  const all = ['name', 'dob', 'gender', 'phone'] as const;
  it('the owner in other spellings differs nowhere', () => {
    expect(differingFields({ name: 'SUNIL  KUMAR', dob: '1990-12-31', gender: 'M', phone: '+919876543210' }, owner, all)).toEqual([]);
  });
  it('names each field that differs, only among those listed', () => {
    const other = { name: 'Priya Sharma', dob: '01-01-1991', gender: 'Female', phone: '9123456780' };
    expect(differingFields(other, owner, all)).toEqual(['name', 'dob', 'gender', 'phone']);
    expect(differingFields(other, owner, ['dob'])).toEqual(['dob']);
  });
  it('an absent or empty attribute differs; an owner field not configured is not compared', () => {
    expect(differingFields({ name: 'Sunil Kumar', dob: '31-12-1990', phone: '' }, owner, all)).toEqual(['gender', 'phone']);
    expect(differingFields({ name: 'Sunil Kumar' }, { fullName: 'Sunil Kumar' }, all)).toEqual([]);
    expect(comparableFields({ fullName: 'x' }, all)).toEqual(['name']);
  });
});
