import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { presentStatus, statusFromClientState } from '../src/status';

describe('status bar', () => {
  it('maps vscode-languageclient states', () => {
    // State.Stopped = 1, Running = 2, Starting = 3, StartFailed = 4
    assert.equal(statusFromClientState(2, false), 'running');
    assert.equal(statusFromClientState(3, false), 'starting');
    assert.equal(statusFromClientState(4, false), 'error');
    assert.equal(statusFromClientState(1, true), 'stopped');
    assert.equal(statusFromClientState(1, false), 'error', 'an unrequested stop is an error');
  });

  it('presents each status with an icon, a tooltip and error colouring', () => {
    assert.deepEqual(presentStatus('running', '/venv/bin/python -m ragfirst server'), {
      text: '$(check) ragfirst',
      tooltip: 'ragfirst server: running\n/venv/bin/python -m ragfirst server\nClick to show the ragfirst output.',
      isError: false,
    });
    assert.equal(presentStatus('starting').text, '$(sync~spin) ragfirst');
    assert.equal(presentStatus('stopped').text, '$(circle-slash) ragfirst');
    const error = presentStatus('error', 'not found');
    assert.equal(error.isError, true);
    assert.match(error.tooltip, /error\nnot found/);
  });
});
