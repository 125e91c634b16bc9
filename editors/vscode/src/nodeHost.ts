// Node implementations of the DiscoveryHost operations (file checks and the
// Python probe). No `vscode` import, so this is unit-tested too.

import { execFile } from 'node:child_process';
import { constants as fsConstants, promises as fs } from 'node:fs';
import { PYTHON_PACKAGE } from './constants';
import type { PythonProbe } from './discovery';

/** Exit code the probe script uses for "interpreter works, package missing". */
export const PROBE_MISSING_EXIT_CODE = 3;

export const PROBE_SCRIPT =
  `import importlib.util, sys; ` +
  `sys.exit(0 if importlib.util.find_spec(${JSON.stringify(PYTHON_PACKAGE)}) else ${PROBE_MISSING_EXIT_CODE})`;

export async function isExecutableFile(path: string, platform: string = process.platform): Promise<boolean> {
  try {
    const stat = await fs.stat(path);
    if (!stat.isFile()) {
      return false;
    }
    if (platform === 'win32') {
      return true;
    }
    await fs.access(path, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function probePython(
  python: string,
  options: { timeoutMs?: number; cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<PythonProbe> {
  return new Promise((resolve) => {
    try {
      execFile(
        python,
        ['-c', PROBE_SCRIPT],
        {
          timeout: options.timeoutMs ?? 15000,
          cwd: options.cwd,
          // The probe must not import modules from the workspace it runs in.
          env: { ...(options.env ?? process.env), PYTHONSAFEPATH: '1' },
          windowsHide: true,
        },
        (error) => {
          if (error === null) {
            resolve('ok');
          } else if (typeof error.code === 'number' && error.code === PROBE_MISSING_EXIT_CODE) {
            resolve('missing-module');
          } else {
            resolve('not-runnable');
          }
        },
      );
    } catch {
      resolve('not-runnable');
    }
  });
}
