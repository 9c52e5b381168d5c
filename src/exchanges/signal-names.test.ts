import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EngineError } from '../core/index.js';
import {
  declaredSignalName,
  indicatorTypeForSignal,
  indicatorTypeFromFileName,
  resolveSignalName,
  signalForIndicatorType,
} from './signal-names.js';

describe('signal names', () => {
  test('resolves Prevail names and pytx aliases case-insensitively, nothing else', () => {
    assert.equal(resolveSignalName('pdq'), 'pdq');
    assert.equal(resolveSignalName('SHA256'), 'sha256');
    assert.equal(resolveSignalName('video_md5'), 'md5');
    assert.equal(resolveSignalName('photo_md5'), 'md5');
    assert.equal(resolveSignalName('video_sha256'), 'sha256');
    assert.equal(resolveSignalName('VPDQ'), 'vpdq');
    assert.equal(resolveSignalName('video_tmk_pdqf'), 'tmk_pdqf', "pytx's VideoTmkPdqfSignal");
    assert.equal(resolveSignalName('TMK_PDQF'), 'tmk_pdqf');
    for (const name of ['tmk', 'pdq_ocr', 'url_md5', '']) assert.equal(resolveSignalName(name), undefined);
  });

  test('a declared unknown name is SIGNAL_UNKNOWN', () => {
    assert.equal(declaredSignalName('video_md5'), 'md5');
    assert.throws(
      () => declaredSignalName('tmk'),
      (error: unknown) => error instanceof EngineError && error.code === 'SIGNAL_UNKNOWN',
    );
  });

  test('maps ThreatExchange indicator types both ways', () => {
    assert.equal(signalForIndicatorType('HASH_PDQ'), 'pdq');
    assert.equal(signalForIndicatorType('hash_video_md5'), 'md5');
    assert.equal(signalForIndicatorType('HASH_MD5'), 'md5');
    assert.equal(signalForIndicatorType('HASH_VIDEO_SHA256'), 'sha256');
    assert.equal(signalForIndicatorType('HASH_TMK'), undefined);
    assert.equal(indicatorTypeForSignal('pdq'), 'HASH_PDQ');
    assert.equal(indicatorTypeForSignal('md5'), 'HASH_MD5');
    assert.equal(indicatorTypeForSignal('sha256'), 'HASH_SHA256');
  });

  test('reads the indicator type of pytx and HMA cache file names', () => {
    assert.equal(indicatorTypeFromFileName('simple.HASH_PDQ.te'), 'HASH_PDQ');
    assert.equal(indicatorTypeFromFileName('/var/state/258601789084078.hash_pdq.te'), 'HASH_PDQ');
    assert.equal(indicatorTypeFromFileName('C:\\state\\hash_video_md5.TE'), 'HASH_VIDEO_MD5');
    assert.equal(indicatorTypeFromFileName('hashes.txt'), undefined);
    assert.equal(indicatorTypeFromFileName('.te'), undefined);
  });
});
