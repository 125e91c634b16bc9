import type { DiscoveryHost, PythonProbe } from '../src/discovery';

export interface FakeHostOptions {
  files?: string[];
  platform?: string;
  env?: Record<string, string | undefined>;
  probes?: Record<string, PythonProbe>;
  workspaceFolder?: string;
  homeDir?: string;
}

export interface FakeHost extends DiscoveryHost {
  probed: string[];
  checked: string[];
}

/** A DiscoveryHost backed by a fixed set of executable files and probe answers. */
export function fakeHost(options: FakeHostOptions = {}): FakeHost {
  const files = new Set(options.files ?? []);
  const probed: string[] = [];
  const checked: string[] = [];
  return {
    platform: options.platform ?? 'linux',
    env: options.env ?? { PATH: '/usr/local/bin:/usr/bin' },
    homeDir: options.homeDir ?? '/home/dev',
    workspaceFolder: options.workspaceFolder,
    probed,
    checked,
    isExecutableFile(path: string): Promise<boolean> {
      checked.push(path);
      return Promise.resolve(files.has(path));
    },
    probePython(python: string): Promise<PythonProbe> {
      probed.push(python);
      return Promise.resolve(options.probes?.[python] ?? 'not-runnable');
    },
  };
}
