/**
 * How a source filter compares names: case-insensitively, because people type the names
 * ("Airline") that senders spelled ("airline"). Stored messages keep the source as received;
 * only comparisons fold it. In SQL the same comparison is `lowerUTF8` (lib/store/rows.ts
 * `sourceEquals`, `sourceIn`); both lower-case by Unicode's simple mapping.
 */
export const sourceKey = (source: string): string => source.toLowerCase();
