import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { optionalVideoSignalNames, signalTypes } from '../signals/index.js';
import { bankedSignalNames, hashableSignalNames, signalsToBank } from './hash-media.js';

describe('hashMedia and the signal registry', () => {
  test('the hasher offers every registered signal type, and only those', () => {
    // hashMedia computes signals through their descriptors; `bankedSignalNames` is the typed
    // list callers choose from (and print in this order), kept equal to the registry here.
    assert.deepEqual(
      [...bankedSignalNames, ...optionalVideoSignalNames].sort(),
      signalTypes.map((type) => type.name).sort(),
    );
    assert.deepEqual(
      bankedSignalNames.filter((name) => !(hashableSignalNames as readonly string[]).includes(name)),
      ['vpdq_dense'],
      'lookups hash everything but the dense frames of a banked video',
    );
    assert.deepEqual(signalsToBank([]), bankedSignalNames, 'TMK+PDQF (an extra ffmpeg pass) only when a bank asks');
    assert.deepEqual(signalsToBank(['tmk_pdqf']), [...bankedSignalNames, 'tmk_pdqf']);
  });
});
