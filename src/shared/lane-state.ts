import type { LaneState } from './queue';

const laneStateLabels: Record<LaneState, string> = {
  running: 'Running',
  idle: 'Idle',
  paused: 'Paused',
  offline: 'Offline',
  'rate-limited': 'Rate-limited',
  'out-of-budget': 'Out of budget',
  stopped: 'Stopped',
};

/** What a provider's lane is doing, in a word or two: "Rate-limited", "Out of budget". */
export function laneStateLabel(state: LaneState): string {
  return laneStateLabels[state];
}
