/**
 * What the dashboard knows of messages: the sentiment labels and a scored message as the API
 * and the live feed show it. Re-exported from their modules so each stays defined once; the
 * message module uses node-only code, so only its types come in. Browser code imports this module.
 */
export { Labels, type Label, type Probs } from '../sentiment.ts';
export type { ScoredMessage, StoredMessage } from '../message.ts';
