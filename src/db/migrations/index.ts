import { Foundation1732350000000 } from './1732350000000-Foundation';

/** In order. Each later issue appends its migration here. */
export const migrations = [Foundation1732350000000];
