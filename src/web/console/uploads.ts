/**
 * A console form with a CSV file (an import, an incident's affected customers), read with
 * busboy as it arrives: the file streams into a temp file under the data directory and is never
 * held in memory whole; the other fields are small strings. The caller removes the file.
 */
import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import busboy from 'busboy';
import type { Request } from 'express';
import { InputError } from '../../domain/errors';

export interface UploadedFile {
  /** Where it was written; remove it when done (`discard`). */
  path: string;
  /** The name the browser gave it, without any folders: what errors and pages call it. */
  name: string;
  bytes: number;
}

export interface Upload {
  fields: Record<string, string>;
  file?: UploadedFile;
}

export interface UploadOptions {
  dir: string;
  maxBytes: number;
  /** The form field of the file. */
  fileField: string;
}

/** What the console accepts: comma-separated text, including the CDNOW log's .txt. */
const EXTENSIONS = ['.csv', '.txt'];
const FIELD_BYTES = 64 * 1024;

export function receiveUpload(req: Request, o: UploadOptions): Promise<Upload> {
  mkdirSync(o.dir, { recursive: true });
  return new Promise<Upload>((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { files: 1, fileSize: o.maxBytes, fields: 20, fieldSize: FIELD_BYTES } });
    } catch {
      return reject(new InputError('send the form as multipart/form-data, with the file in it', { field: o.fileField }));
    }
    const fields: Record<string, string> = {};
    let file: UploadedFile | undefined;
    let writing: Promise<void> = Promise.resolve();
    let failure: InputError | undefined;
    const fail = (error: InputError) => {
      failure ??= error;
    };
    parser.on('field', (name, value, info) => {
      if (info.valueTruncated) fail(new InputError(`is longer than ${FIELD_BYTES / 1024} KB`, { field: name }));
      fields[name] = value;
    });
    parser.on('file', (name, stream, info) => {
      const given = path.basename(info.filename ?? '').trim();
      if (name !== o.fileField || given === '') {
        stream.resume();
        if (name === o.fileField) fail(new InputError('choose a file to upload', { field: o.fileField }));
        return;
      }
      if (!EXTENSIONS.includes(path.extname(given).toLowerCase())) {
        stream.resume();
        return fail(new InputError(`${given} is not a CSV file; upload the .csv export (or the CDNOW .txt log)`, { field: o.fileField }));
      }
      // The person's file name, in a folder of its own: the import batch records the path, and
      // its last part should be what they uploaded.
      const folder = path.join(o.dir, randomUUID());
      mkdirSync(folder);
      const target = path.join(folder, given.replace(/[^\w.\- ]/g, '_'));
      const uploaded: UploadedFile = { path: target, name: given, bytes: 0 };
      file = uploaded;
      let first = true;
      const check = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          // A spreadsheet or an archive renamed .csv: text has no NUL bytes.
          if (first && chunk.subarray(0, 4096).includes(0)) return done(new InputError(`${given} is not a text file; export it as CSV`, { field: o.fileField }));
          first = false;
          uploaded.bytes += chunk.length;
          done(null, chunk);
        },
      });
      stream.on('limit', () => fail(new InputError(`${given} is larger than the ${Math.round(o.maxBytes / 1024 / 1024)} MB the console accepts; import it with \`rekindle import\` instead`, { field: o.fileField })));
      writing = pipeline(stream, check, createWriteStream(target)).catch((error: unknown) => {
        stream.resume();
        fail(error instanceof InputError ? error : new InputError(`could not be stored (${(error as Error).message})`, { field: o.fileField }));
      });
    });
    parser.on('error', (error: Error) => {
      discard(file);
      reject(new InputError(`the upload could not be read (${error.message}); try again`, { field: o.fileField }));
    });
    parser.on('close', () => {
      void writing.then(() => {
        if (failure) {
          discard(file);
          return reject(failure);
        }
        resolve({ fields, file });
      });
    });
    req.pipe(parser);
  });
}

export function discard(file: UploadedFile | undefined): void {
  if (file) rmSync(path.dirname(file.path), { recursive: true, force: true });
}

/** An error about the temp file, told about the file the person uploaded (same words as the CLI's). */
export function asUploaded(error: unknown, file: UploadedFile): unknown {
  if (!(error instanceof InputError) || error.where.file === undefined) return error;
  return new InputError(error.problem, { ...error.where, file: file.name });
}
