import { closeSync, fstatSync, ftruncateSync, mkdirSync, openSync, readSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * The finalized part of a session's conversation, kept in the state folder as the exact bytes
 * it takes inside the devlog document (each entry as `,\n<entry>`). Rewriting the devlog after a
 * run is then a copy of these bytes plus the few open entries, never a re-render of the session.
 *
 * The state database stores how many bytes are committed; bytes past that were written by a run
 * that died before its commit and are cut off when the fragment is opened again.
 */
export class Fragment {
  private constructor(
    private readonly fd: number,
    private size: number,
  ) {}

  /** Opens the fragment at its committed length; null when the file is shorter than that. */
  static open(path: string, committedBytes: number): Fragment | null {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    // Created if missing, then opened without O_APPEND: writes go to explicit positions.
    closeSync(openSync(path, 'a', 0o600));
    const fd = openSync(path, 'r+');
    const size = fstatSync(fd).size;
    if (size < committedBytes) {
      closeSync(fd);
      return null;
    }
    if (size > committedBytes) {
      // Bytes past the commit are whole entries (`,\n{…}`) of a run that died before committing;
      // anything else (a rewrite cut short by a crash) cannot be trusted: start over.
      const edge = Buffer.alloc(3);
      const n = committedBytes === 0 ? 0 : readSync(fd, edge, 0, 3, committedBytes - 1);
      if (committedBytes > 0 && (n < 3 || edge.toString('latin1') !== '},\n')) {
        closeSync(fd);
        return null;
      }
      ftruncateSync(fd, committedBytes);
    }
    return new Fragment(fd, committedBytes);
  }

  get bytes(): number {
    return this.size;
  }

  append(renderedEntries: string[]): void {
    if (renderedEntries.length === 0) return;
    const buf = Buffer.from(renderedEntries.map((e) => `,\n${e}`).join(''));
    let off = 0;
    while (off < buf.length) off += writeSync(this.fd, buf, off, buf.length - off, this.size + off);
    this.size += buf.length;
  }

  /**
   * Rewrites the committed bytes through `transform` (a secret learnt after these entries were
   * written is redacted from them). In place, then cut to the new length; the caller commits the
   * new `bytes` right after. A crash in between leaves a size the database does not expect, which
   * `open` refuses unless it ends an entry, so the session is re-read and rebuilt.
   */
  rewrite(transform: (text: string) => string): void {
    if (this.size === 0) return;
    const buf = Buffer.alloc(this.size);
    let got = 0;
    while (got < this.size) {
      const n = readSync(this.fd, buf, got, this.size - got, got);
      if (n === 0) break;
      got += n;
    }
    const before = buf.subarray(0, got).toString('utf8');
    const after = transform(before);
    if (after === before) return;
    const out = Buffer.from(after);
    let off = 0;
    while (off < out.length) off += writeSync(this.fd, out, off, out.length - off, off);
    ftruncateSync(this.fd, out.length);
    this.size = out.length;
  }

  reset(): void {
    ftruncateSync(this.fd, 0);
    this.size = 0;
  }

  /** Streams the committed bytes, without the leading comma, into `out`. */
  copyTo(write: (chunk: Buffer) => void): void {
    const buf = Buffer.allocUnsafe(Math.min(1 << 20, Math.max(1, this.size)));
    let pos = 1;
    while (pos < this.size) {
      const n = readSync(this.fd, buf, 0, Math.min(buf.length, this.size - pos), pos);
      if (n === 0) break;
      write(buf.subarray(0, n));
      pos += n;
    }
  }

  close(): void {
    closeSync(this.fd);
  }
}
