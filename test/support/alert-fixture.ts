/** A complete, valid alert for the alert channel and delivery tests; `overrides` change what a test needs. */
import { AlertSchema, type Alert } from '../../lib/alerts/alert.ts';

export function alertFixture(overrides: Partial<Alert> = {}): Alert {
  return AlertSchema.parse({
    id: 'alert-acme-1',
    stream: 'acme-launch',
    kind: 'sentiment',
    direction: 'negative',
    severity: 'critical',
    status: 'open',
    openedAt: '2025-03-04T10:00:00.000Z',
    updatedAt: '2025-03-04T10:00:30.000Z',
    z: -4.32,
    current: -0.12,
    baseline: { center: 0.21, spread: 0.05, minutes: 60 },
    window: { from: '2025-03-04T10:00:00.000Z', to: '2025-03-04T10:00:30.000Z' },
    volume: 412,
    topTerms: ['outage', 'refund', 'down'],
    examples: [
      { id: 'm1', text: 'Acme is down AGAIN <!channel> & nobody answers', label: 'negative', score: -0.91 },
      { id: 'm2', text: `refund please ${'x'.repeat(400)}`, label: 'negative', score: -0.85 },
      { id: 'm3', text: 'checkout\nbroken\nsince noon', label: 'negative', score: -0.8 },
      { id: 'm4', text: 'still no word from support', label: 'neutral', score: -0.2 },
      { id: 'm5', text: 'works for me', label: 'positive', score: 0.6 },
    ],
    reason: "Sentiment of 'Acme launch' fell from +0.21 to −0.12 (z −4.3) over 30 s, 412 messages",
    ...overrides,
  });
}
