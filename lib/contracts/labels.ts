/**
 * People's labels as the HTTP API takes and answers them (README → People's labels): a person
 * marks a message's sentiment, one message or many at once, and the overview shows how often
 * people agreed with the model. Browser code imports this module: types and constants only.
 */
import type { StoredMessage } from '../message.ts';
import type { Label } from '../sentiment.ts';

/** The most ids one bulk label takes (`POST /api/messages/labels`): a drill-down page is at most this long. */
export const MaxLabelledAtOnce = 500;

/** `POST /api/messages/:id/label`. */
export interface LabelBody {
  label: Label;
}

/** `POST /api/messages/:id/label` and `GET /api/messages/:id`: the message with its `humanLabel`. */
export interface MessageResponse {
  message: StoredMessage;
}

/** `POST /api/messages/labels`. */
export interface BulkLabelBody {
  ids: string[];
  label: Label;
}

/** What a bulk label did: the ids it labelled, and those of no stored message (nothing was written for them). */
export interface BulkLabelResponse {
  labelled: string[];
  unknown: string[];
}

/** How many labelled messages there were and how many of them people gave the model's label. */
export interface AgreementCount {
  labelled: number;
  agreed: number;
}

/**
 * `GET /api/labels/agreement`: over the messages of [from, to) (event time) that people labelled,
 * each counted once with its latest label. `byLabel` is keyed by the model's label: how often
 * people confirmed the model when it said negative, neutral or positive.
 */
export interface AgreementResponse extends AgreementCount {
  from: string;
  to: string;
  byLabel: Record<Label, AgreementCount>;
}
