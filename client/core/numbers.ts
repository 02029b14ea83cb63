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

/**
 * A contact's number: valid and not this account's own. A session with
 * ourselves cannot work (the one session record would hold both ends), and
 * starting one would spend one of our own prekeys for nothing.
 */
export function requireContactNumber(value: string, ownNumber: string): string {
  requireValidNumber(value);
  if (value === ownNumber) throw new ClientError('invalid_number', `${value} is this account's own number: messages to yourself are not supported`);
  return value;
}
