import type { Migration } from '../migrate';
import { init } from './0010-init';
import { providers } from './0020-providers';

export const migrations: readonly Migration[] = [init, providers];
