// Turning backend errors into what a form shows: per-field messages, or one message for the form.
import { BackendError } from './backend/backend';
import type { Errors } from './validate';

export interface FormFailure {
  fields: Errors;
  message: string | null;
}

/** A clash belongs next to the start time; other field-less errors go in the form's banner. */
export function failureOf(e: unknown, clashField = 'starts_at'): FormFailure {
  const err = BackendError.from(e);
  if (err.field) return { fields: { [err.field]: err.message }, message: null };
  if (err.code === 'booking_clash') return { fields: { [clashField]: err.message }, message: null };
  return { fields: {}, message: err.message };
}

export function messageOf(e: unknown): string {
  return BackendError.from(e).message;
}

/** Removes one field's server error once the user changes that field. */
export function without(errors: Errors, field: string): Errors {
  if (!(field in errors)) return errors;
  const rest = { ...errors };
  delete rest[field];
  return rest;
}
