import type { Migration } from '../migrate';
import { init } from './0010-init';

export const migrations: readonly Migration[] = [init];
