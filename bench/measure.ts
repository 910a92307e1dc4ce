/** Wall time and this process's CPU time (all its threads) of one piece of work. */
export interface Sample {
  seconds: number;
  cpuSeconds: number;
}

export async function measure(work: () => Promise<void>): Promise<Sample> {
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  await work();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuBefore);
  return { seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

/** The middle value (the upper one of an even count: the slower round of two). */
export const median = (numbers: number[]) => [...numbers].sort((a, b) => a - b)[Math.floor(numbers.length / 2)]!;
