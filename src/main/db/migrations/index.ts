import type { Migration } from '../migrate';
import { init } from './0010-init';
import { providers } from './0020-providers';
import { queue } from './0030-queue';

export const migrations: readonly Migration[] = [init, providers, queue];
