// How the server state is presented in the status bar.
//
// Pure module: it must not import `vscode`.

export type ServerStatus = 'starting' | 'running' | 'stopped' | 'error';

export interface StatusPresentation {
  /** Status bar text, with a codicon. */
  text: string;
  /** Plain-text tooltip. */
  tooltip: string;
  /** Whether to use the error background colour. */
  isError: boolean;
}

const ICONS: Record<ServerStatus, string> = {
  starting: '$(sync~spin)',
  running: '$(check)',
  stopped: '$(circle-slash)',
  error: '$(error)',
};

const LABELS: Record<ServerStatus, string> = {
  starting: 'starting',
  running: 'running',
  stopped: 'stopped',
  error: 'error',
};

export function presentStatus(status: ServerStatus, detail?: string): StatusPresentation {
  const lines = [`ragfirst server: ${LABELS[status]}`];
  if (detail !== undefined && detail.trim() !== '') {
    lines.push(detail.trim());
  }
  lines.push('Click to show the ragfirst output.');
  return {
    text: `${ICONS[status]} ragfirst`,
    tooltip: lines.join('\n'),
    isError: status === 'error',
  };
}

/**
 * Maps vscode-languageclient's `State` (Stopped = 1, Running = 2, Starting = 3,
 * StartFailed = 4) to a status. `stopRequested` tells an intended stop (restart,
 * disable, shutdown) from the server going away on its own, which is an error.
 */
export function statusFromClientState(state: number, stopRequested: boolean): ServerStatus {
  switch (state) {
    case 2:
      return 'running';
    case 3:
      return 'starting';
    case 4:
      return 'error';
    case 1:
      return stopRequested ? 'stopped' : 'error';
    default:
      return 'stopped';
  }
}
