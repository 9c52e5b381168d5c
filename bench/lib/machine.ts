import { cpus, totalmem } from 'node:os';

/** One line describing the machine a benchmark ran on, printed and stored with every result. */
export function describeMachine(): { cpu: string; cores: number; memoryGb: number; node: string; platform: string } {
  const processors = cpus();
  return {
    cpu: processors[0]?.model.trim() ?? 'unknown',
    cores: processors.length,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
}
