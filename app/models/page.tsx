import type { Metadata } from 'next';
import { ModelsPage } from '../components/models/ModelsPage.tsx';

export const metadata: Metadata = { title: 'Models — Pulse' };

/** The model in service and the labelled sets to train the next one on. */
export default function Page() {
  return <ModelsPage />;
}
