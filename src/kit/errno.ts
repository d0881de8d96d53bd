/** Whether `err` carries a string `code`, as Node's system errors do (ENOENT, EEXIST…). */
export function isErrno(err: unknown): err is NodeJS.ErrnoException {
  return err instanceof Error && typeof (err as NodeJS.ErrnoException).code === 'string';
}
