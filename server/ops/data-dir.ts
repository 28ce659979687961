// The data dir holds password hashes, token digests and every record: only its owner may read
// it. Directories 0700, files 0600, for what this process creates (umask) and for what an
// earlier version left more open (fixed at start, with a line saying so).
import fs from 'node:fs'
import path from 'node:path'

export const DIR_MODE = 0o700
export const FILE_MODE = 0o600
/** Group and other get nothing on whatever this process creates from now on. */
const PRIVATE_UMASK = 0o077

/** Creates `dir` private, or makes an existing one private; returns how many entries it fixed. */
export function privateDataDir(dir: string): number {
  // Process-wide: the engine writes its parts from its own threads, with the process's umask.
  process.umask(process.umask() | PRIVATE_UMASK)
  fs.mkdirSync(dir, { recursive: true, mode: DIR_MODE })
  return tighten(dir)
}

/** chmod of `dir` and everything under it that group or other can reach (symlinks left alone). */
function tighten(dir: string): number {
  let fixed = 0
  const stack = [dir]
  while (stack.length) {
    const d = stack.pop()!
    fixed += fix(d, DIR_MODE)
    let entries: fs.Dirent[]
    try {
      entries = fs.readdirSync(d, { withFileTypes: true })
    } catch {
      continue
    }
    for (const e of entries) {
      const p = path.join(d, e.name)
      if (e.isDirectory()) stack.push(p)
      else if (e.isFile()) fixed += fix(p, FILE_MODE)
    }
  }
  return fixed
}

function fix(p: string, mode: number): number {
  try {
    const st = fs.lstatSync(p)
    if ((st.mode & 0o077) === 0) return 0
    // Group and other lose everything; the owner keeps what it had and at least `mode`.
    fs.chmodSync(p, (st.mode & 0o700) | mode)
    return 1
  } catch {
    return 0
  }
}
