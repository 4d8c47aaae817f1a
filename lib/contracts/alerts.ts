/**
 * What the dashboard knows of alerts: the alert contract's kinds, severities and statuses, the
 * alert itself, and what a person may do with one. Re-exported from their modules (zod only at
 * runtime) so each stays defined once; browser code imports this module.
 */
export { AlertEvents, AlertKinds, AlertStatuses, Severities, type Alert, type AlertEvent, type AlertFigures, type Severity } from '../alerts/alert.ts';
export type { AlertAction } from '../alerts/actions.ts';
