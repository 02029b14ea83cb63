import { ClientError } from './errors.js';

/** Account ids are E.164 numbers (API.md). */
const E164 = /^\+[1-9][0-9]{6,14}$/;

export function isValidNumber(value: string): boolean {
  return E164.test(value);
}

export function requireValidNumber(value: string): string {
  if (!isValidNumber(value)) {
    throw new ClientError('invalid_number', `not a phone number in E.164 form (like +15551234567): ${JSON.stringify(value)}`);
  }
  return value;
}
