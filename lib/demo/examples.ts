/**
 * The example keyword streams a first run with the demo on starts with, so a newcomer sees what
 * brand teams and ops get (streams, their trends, their alerts) before configuring anything.
 * Their queries were chosen on the demo's data (lib/demo/data.ts, 20 msgs/s): each matches a
 * steady share of it.
 *
 * Offered once per store: only to one whose `streams` table has never held a row. Streams are
 * versioned and a delete is a version, so the examples' own rows are the record that they were
 * offered: removed, they never come back, and a store somebody configured never gets them.
 */
import { log } from '../log.ts';
import type { StreamRepository } from '../store/streams.ts';
import type { StreamCatalog } from '../streams/catalog.ts';
import type { StreamInput, StreamRecord } from '../streams/stream.ts';

/** The stream the scripted incident hits (lib/demo/incident.ts): a brand, the case alerts are for. */
export const incidentStreamId = 'united-airlines';

export const exampleStreams: readonly StreamInput[] = [
  {
    // ~26 % of the airline tweets: ~1.3 msgs/s, two thirds of them negative on a normal day.
    id: incidentStreamId,
    name: 'United Airlines',
    query: '@united OR "united airlines"',
    sources: ['airline'],
    rule: { sensitivity: 'medium' },
  },
  {
    // What operations watch: ~13 % of the airline tweets, ~0.7 msgs/s, nearly all negative.
    id: 'flight-disruptions',
    name: 'Flight disruptions',
    query: 'delayed OR delay OR cancelled OR canceled OR stranded OR stuck OR "lost luggage"',
    sources: ['airline'],
    rule: { sensitivity: 'medium' },
  },
  {
    // Everyday chatter: ~16 % of the tweets, ~2.4 msgs/s, mostly positive; a calmer preset.
    id: 'weekend-plans',
    name: 'Weekend plans',
    query: 'friday OR saturday OR sunday OR weekend',
    rule: { sensitivity: 'low' },
  },
];

export interface ExampleDeps {
  streams: Pick<StreamRepository, 'everHeld'>;
  catalog: Pick<StreamCatalog, 'createExamples'>;
}

/** Creates the examples if this store was never offered them (see above); answers what it created. */
export async function offerExamples(deps: ExampleDeps): Promise<StreamRecord[]> {
  if (await deps.streams.everHeld()) return [];
  const created = await deps.catalog.createExamples(exampleStreams);
  log.info({ streams: created.map((s) => s.id) }, 'example streams created for the demo (Streams page: "Remove examples")');
  return created;
}
