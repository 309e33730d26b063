/**
 * A file's bytes as chunks of valid UTF-8, cut only between characters, with how far the read
 * has come. Shared by the CSV and the CDNOW readers so both report bad bytes and progress the
 * same way. Node's isUtf8 checks a 64 KiB chunk natively in microseconds; finding the bad byte
 * and its line is left to the error path.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { isUtf8 } from 'node:buffer';
import { InputError } from '../domain/errors';

export interface Progress {
  bytesRead: number;
  totalBytes: number;
}

export class Utf8File {
  bytesRead = 0;
  totalBytes = 0;
  private stopped = false;

  constructor(readonly path: string) {}

  progress(): Progress {
    return { bytesRead: this.bytesRead, totalBytes: this.totalBytes };
  }

  /** Ends `chunks()` early and cleanly, so what was read before the stop is still delivered. */
  stop(): void {
    this.stopped = true;
  }

  async *chunks(): AsyncGenerator<Buffer> {
    const handle = await open(this.path, 'r').catch((error: NodeJS.ErrnoException) => {
      throw new InputError(unreadable(error), { file: this.path });
    });
    let carry = Buffer.alloc(0);
    let offset = 0;
    try {
      const stat = await handle.stat();
      if (!stat.isFile()) throw new InputError('is not a file', { file: this.path });
      this.totalBytes = stat.size;
      for await (const chunk of handle.createReadStream({ autoClose: false }) as AsyncIterable<Buffer>) {
        if (this.stopped) return;
        this.bytesRead += chunk.length;
        const bytes = carry.length ? Buffer.concat([carry, chunk]) : chunk;
        const cut = bytes.length - incompleteTail(bytes);
        const body = bytes.subarray(0, cut);
        carry = Buffer.from(bytes.subarray(cut));
        if (!isUtf8(body)) throw await this.notUtf8(offset, body);
        offset += body.length;
        yield body;
      }
      if (carry.length && !this.stopped) throw await this.notUtf8(offset, carry);
    } finally {
      await handle.close();
    }
  }

  /** The error path only: finds the bad byte and counts the lines before it. */
  private async notUtf8(offset: number, body: Buffer): Promise<InputError> {
    const at = firstInvalidByte(body);
    let line = 1;
    if (offset > 0) {
      for await (const chunk of createReadStream(this.path, { end: offset - 1 }) as AsyncIterable<Buffer>) line += countNewlines(chunk);
    }
    line += countNewlines(body.subarray(0, at));
    const byte = body[at].toString(16).toUpperCase().padStart(2, '0');
    return new InputError(`byte 0x${byte} is not UTF-8; save or export the file as UTF-8`, { file: this.path, line });
  }
}

/** Why a file cannot be opened, in words rather than an errno code. */
function unreadable(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'cannot be read: permission denied';
    case 'EISDIR':
      return 'is a folder, not a file';
    default:
      return `cannot be read (${error.code ?? error.message})`;
  }
}

/** Bytes at the end of `bytes` that start a character whose remaining bytes are in the next chunk. */
function incompleteTail(bytes: Buffer): number {
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const byte = bytes[bytes.length - back];
    if ((byte & 0xc0) === 0x80) continue;
    const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return length > back ? back : 0;
  }
  return 0;
}

function firstInvalidByte(bytes: Buffer): number {
  for (let i = 0; i < bytes.length; ) {
    const byte = bytes[i];
    const length = byte < 0x80 ? 1 : byte >= 0xc2 && byte < 0xe0 ? 2 : byte >= 0xe0 && byte < 0xf0 ? 3 : byte >= 0xf0 && byte < 0xf5 ? 4 : 0;
    if (length === 0 || !isUtf8(bytes.subarray(i, i + length))) return i;
    i += length;
  }
  return bytes.length - 1;
}

function countNewlines(bytes: Buffer): number {
  let count = 0;
  for (let i = bytes.indexOf(10); i !== -1; i = bytes.indexOf(10, i + 1)) count++;
  return count;
}

/** What every file reader shares: its validated bytes, and the data rows it has read. */
export abstract class FileReader {
  protected readonly text: Utf8File;
  protected rows = 0;

  constructor(readonly file: string) {
    this.text = new Utf8File(file);
  }

  /** Bytes of the file read so far, for a progress bar. */
  progress(): Progress {
    return this.text.progress();
  }

  /** Data rows read so far (not a header, not blank lines). */
  rowsRead(): number {
    return this.rows;
  }
}
