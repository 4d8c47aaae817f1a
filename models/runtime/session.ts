import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { PulseError } from '../../lib/errors.ts';

export type DeviceRequest = 'auto' | 'cpu' | 'cuda';
export type Provider = 'cpu' | 'cuda';

export interface OpenedSession {
  session: ort.InferenceSession;
  /** The execution provider the session was actually created with. */
  provider: Provider;
  /** Why `auto` ended on the CPU, when it did. */
  fallbackReason?: string;
}

/**
 * onnxruntime-node ships the CPU provider; the CUDA provider libraries are only present after
 * `ONNXRUNTIME_NODE_INSTALL=cuda12 npm install`. Checking for them first keeps `auto` quiet on
 * CPU-only hosts instead of logging ORT's load failure on every start.
 */
function cudaLibrariesInstalled(): boolean {
  const pkg = path.dirname(createRequire(import.meta.url).resolve('onnxruntime-node/package.json'));
  const binDir = path.join(pkg, 'bin', 'napi-v6', process.platform, process.arch);
  return fs.existsSync(path.join(binDir, 'libonnxruntime_providers_cuda.so'));
}

function options(provider: Provider, threads: number): ort.InferenceSession.SessionOptions {
  return {
    executionProviders: [provider],
    graphOptimizationLevel: 'all',
    // Parallelism comes from the pool (one session per worker thread), not from inside a session.
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
  };
}

export async function openSession(onnxPath: string, device: DeviceRequest, intraOpThreads = 1): Promise<OpenedSession> {
  const open = (provider: Provider) => ort.InferenceSession.create(onnxPath, options(provider, intraOpThreads));
  if (device !== 'cpu') {
    if (!cudaLibrariesInstalled()) {
      const reason = 'CUDA provider libraries not installed (ONNXRUNTIME_NODE_INSTALL=cuda12 npm install)';
      if (device === 'cuda') throw new PulseError('DEVICE_UNAVAILABLE', `PULSE_DEVICE=cuda but ${reason}`);
      return { session: await openCpu(), provider: 'cpu', fallbackReason: reason };
    }
    try {
      return { session: await open('cuda'), provider: 'cuda' };
    } catch (err) {
      const reason = `CUDA provider failed: ${(err as Error).message.split('\n')[0]}`;
      if (device === 'cuda') throw new PulseError('DEVICE_UNAVAILABLE', reason, { cause: err });
      return { session: await openCpu(), provider: 'cpu', fallbackReason: reason };
    }
  }
  return { session: await openCpu(), provider: 'cpu' };

  async function openCpu(): Promise<ort.InferenceSession> {
    try {
      return await open('cpu');
    } catch (err) {
      throw new PulseError('MODEL_INVALID', `ONNX Runtime cannot load ${onnxPath}: ${(err as Error).message}`, { cause: err });
    }
  }
}
