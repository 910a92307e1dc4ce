import { lazy } from 'react';

/*
 * What the first screen does not show, loaded when it is first needed: the grid paints without
 * waiting for these modules, or for the schemas they import, to be parsed and run.
 */
export const Inspector = lazy(() => import('./inspector/Inspector').then((module) => ({ default: module.Inspector })));
export const QueuePanel = lazy(() => import('./queue/QueuePanel').then((module) => ({ default: module.QueuePanel })));
export const SettingsDialog = lazy(() => import('./settings/SettingsDialog').then((module) => ({ default: module.SettingsDialog })));
export const FirstRun = lazy(() => import('./first-run/FirstRun').then((module) => ({ default: module.FirstRun })));
export const OpenDialog = lazy(() => import('./dialogs/OpenDialog').then((module) => ({ default: module.OpenDialog })));
