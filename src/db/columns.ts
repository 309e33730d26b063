/**
 * Column helpers that mean the same on SQLite and PostgreSQL. Timestamps are ISO 8601 UTC
 * strings (`2025-10-07T07:50:26.000Z`): portable, sortable as text, and readable in SQL.
 */
import { ValueTransformer } from 'typeorm';

/** pg returns bigint as a string; money in minor units fits a double's 2^53 exactly. */
export const bigintAsNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null ? null : Number(value)),
};

export const ISO_TIMESTAMP_LENGTH = 24;
